package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.dualwrite.IllegalStageMoveException;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cutover stage KEY --next | --back | --to STAGE}: moves a migration stage flag one step. */
@Command(name = "stage", mixinStandardHelpOptions = true,
    description = {"Show or move a dual-write migration stage flag, one step at a time.", "",
        "The stages, in order: OLD_ONLY, DUAL_WRITE, SHADOW, LIVE, RAMP_DOWN, NEW_ONLY. A move that would skip a stage is refused.",
        "Without --next, --back or --to it shows the stage."})
public final class StageCommand extends StoreCommand {

  /** The move. */
  static final class Move {
    @Option(names = "--next", required = true, description = "One stage forward (completes a ramp under way).")
    boolean next;

    @Option(names = "--back", required = true, description = "One stage back (cancels a ramp under way).")
    boolean back;

    @Option(names = "--to", required = true, paramLabel = "STAGE",
        description = "Move to this stage, which must be next to the current one: ${COMPLETION-CANDIDATES}.")
    @Nullable Stage to;
  }

  @Parameters(index = "0", paramLabel = "KEY", description = "The stage flag key.")
  String key = "";

  @Override
  String key() {
    return key;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  @Nullable Move move;

  @Option(names = "--effective-at", paramLabel = "INSTANT", converter = Instants.class,
      description = "Publish now, move every instance at this ISO-8601 instant.")
  @Nullable Instant effectiveAt;

  @Mixin AuditOptions audit = new AuditOptions();

  private @Nullable AuditInfo auditInfo;

  @Override
  void before() {
    if (move != null) {
      auditInfo = audit.require(spec);
    } else if (effectiveAt != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--effective-at needs a move: --next, --back or --to STAGE");
    }
  }

  @Override
  int run(WritableFlagStore store) throws Exception {
    Set<Stage> before;
    long fromVersion;
    try {
      before = StageFlag.current(store, key);
      fromVersion = store.get(key).map(RawFlag::version).orElse(0L);
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new CliException(Exit.REFUSED, e.getMessage());
    }
    if (move == null) {
      show(before, fromVersion);
      return Exit.OK;
    }
    AuditInfo info = java.util.Objects.requireNonNull(auditInfo);
    Flag stored;
    try {
      stored = write(store, before, info);
    } catch (IllegalStageMoveException e) {
      throw new CliException(Exit.REFUSED, e.getMessage() + "; nothing was written");
    } catch (FlagWriteConflictException e) {
      throw Conflicts.explain(store, e);
    } catch (IllegalStateException e) {
      throw new CliException(Exit.REFUSED, e.getMessage());
    }
    Set<Stage> after = StageFlag.served(stored);
    if (output.json()) {
      ObjectNode root = Json.object().put("key", key);
      stages(root.putArray("from"), before);
      stages(root.putArray("to"), after);
      root.put("previousVersion", fromVersion).put("version", stored.version())
          .put("effectiveAt", stored.effectiveAt().map(Object::toString).orElse(null));
      Json.print(out(), root);
    } else if (stored.version() == fromVersion) {
      out().println("stage flag '" + key + "' serves " + names(after) + " already; nothing written");
    } else {
      out().println("stage flag '" + key + "': " + names(before) + " -> " + names(after) + " (version "
          + fromVersion + " -> " + stored.version() + ")"
          + stored.effectiveAt().map(at -> ", every instance moves at " + at).orElse(""));
    }
    out().flush();
    return Exit.OK;
  }

  private Flag write(WritableFlagStore store, Set<Stage> before, AuditInfo info) throws Exception {
    Move m = java.util.Objects.requireNonNull(move);
    if (m.to != null) {
      return effectiveAt == null ? StageFlag.moveTo(store, key, m.to, info)
          : StageFlag.moveTo(store, key, m.to, effectiveAt, info);
    }
    if (effectiveAt == null) {
      return m.next ? StageFlag.advance(store, key, info) : StageFlag.rollBack(store, key, info);
    }
    Optional<Stage> target = step(before, m.next);
    if (target.isEmpty()) { // at an end: let StageFlag refuse with the allowed moves
      return m.next ? StageFlag.advance(store, key, info) : StageFlag.rollBack(store, key, info);
    }
    return StageFlag.moveTo(store, key, target.get(), effectiveAt, info);
  }

  /** Where --next or --back goes from the stages served now (the other end of a ramp, or one step). */
  static Optional<Stage> step(Set<Stage> served, boolean forward) {
    EnumSet<Stage> sorted = EnumSet.copyOf(served);
    Stage low = sorted.iterator().next();
    Stage high = low;
    for (Stage s : sorted) {
      high = s;
    }
    if (sorted.size() > 1) {
      return Optional.of(forward ? high : low);
    }
    return forward ? high.next() : low.previous();
  }

  private void show(Set<Stage> served, long version) {
    Optional<Stage> next = step(served, true);
    Optional<Stage> back = step(served, false);
    if (output.json()) {
      ObjectNode root = Json.object().put("key", key).put("version", version);
      stages(root.putArray("serving"), served);
      root.put("next", next.map(Stage::name).orElse(null)).put("back", back.map(Stage::name).orElse(null));
      Json.print(out(), root);
      return;
    }
    out().println("stage flag '" + key + "' serves " + names(served)
        + (version == 0 ? " (absent: OLD_ONLY)" : " (version " + version + ")")
        + "; next: " + next.map(Stage::name).orElse("none") + ", back: " + back.map(Stage::name).orElse("none"));
    out().flush();
  }

  private static void stages(ArrayNode into, Set<Stage> stages) {
    EnumSet.copyOf(stages).forEach(s -> into.add(s.name()));
  }

  static String names(Set<Stage> stages) {
    return EnumSet.copyOf(stages).stream().map(Stage::name).collect(Collectors.joining(" + "));
  }
}
