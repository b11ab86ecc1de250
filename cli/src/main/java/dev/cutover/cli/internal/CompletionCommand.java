package dev.cutover.cli.internal;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code cutover completion}: prints the shell completion script for bash and zsh. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print the completion script of every command and option, for bash and zsh.",
            "",
            "bash: source <(cutover completion) in ~/.bashrc. zsh: the same line in ~/.zshrc; the script loads zsh's"
                    + " bash completion support itself."
        })
public final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return Exit.OK;
    }
}
