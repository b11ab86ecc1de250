package dev.cutover.cli.internal;

import picocli.CommandLine.Option;

/** Text for people or JSON for scripts. */
public final class OutputOptions {
    /** The formats. */
    public enum Format {
        /** Aligned text. */
        text,
        /** One JSON document on standard output. */
        json
    }

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES}; default ${DEFAULT-VALUE}.")
    Format format = Format.text;

    boolean json() {
        return format == Format.json;
    }
}
