package dev.cutover.spring.internal;

import dev.cutover.dualwrite.IllegalStageMoveException;
import dev.cutover.dualwrite.OpenGapsException;
import dev.cutover.dualwrite.PendingRepairsException;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.Flag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.WritableFlagStore;
import dev.cutover.journal.FailedWriteJournal;
import java.security.Principal;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The endpoint's write operation: moves a stage flag one step, through {@link StageFlag} as the
 * command line does, so a skip is refused and nothing is written; with the application's journal, a
 * move past SHADOW is refused while a gap is open. The authenticated principal is the audit actor.
 */
final class StageMoves {
    /** The actor recorded for a move without a principal, when anonymous moves are allowed. */
    static final String ANONYMOUS = "anonymous";

    static final int OK = 200;
    static final int BAD_REQUEST = 400;
    static final int FORBIDDEN = 403;
    static final int CONFLICT = 409;
    static final int FAILED = 500;

    /** A move's outcome: an HTTP status and the JSON body. */
    record Result(int status, Map<String, Object> body) {}

    private final @Nullable WritableFlagStore store;
    private final @Nullable FailedWriteJournal journal;
    private final boolean allowAnonymous;

    StageMoves(@Nullable WritableFlagStore store, @Nullable FailedWriteJournal journal, boolean allowAnonymous) {
        this.store = store;
        this.journal = journal;
        this.allowAnonymous = allowAnonymous;
    }

    /**
     * Moves {@code flagKey}: {@code move} is {@code next}, {@code back} or the name of the stage next to
     * the current one.
     */
    Result move(String flagKey, String move, @Nullable String reason, @Nullable Principal principal) {
        if (principal == null && !allowAnonymous) {
            return error(
                    FORBIDDEN,
                    "a stage move needs an authenticated principal, recorded as the audit actor; secure the"
                            + " actuator endpoints, or set cutover.endpoint.allow-anonymous-writes=true",
                    flagKey);
        }
        WritableFlagStore writable = store;
        if (writable == null) {
            return error(
                    CONFLICT,
                    "the flag store is read-only (cutover.flags.store); move stages where flags are written",
                    flagKey);
        }
        if (!Flag.isValidKey(flagKey)) {
            return error(BAD_REQUEST, "'" + flagKey + "' is not a flag key", flagKey);
        }
        String wanted = move.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        Optional<Stage> to = Stage.parse(wanted);
        if (!wanted.equals("NEXT") && !wanted.equals("BACK") && to.isEmpty()) {
            return error(
                    BAD_REQUEST,
                    "move is '" + move + "'; expected next, back or one of " + List.of(Stage.values()),
                    flagKey);
        }
        AuditInfo audit;
        String actor = principal == null ? ANONYMOUS : principal.getName();
        try {
            audit = new AuditInfo(
                    actor, reason == null || reason.isBlank() ? "stage move through /actuator/cutover" : reason);
        } catch (IllegalArgumentException e) {
            return error(BAD_REQUEST, e.getMessage(), flagKey);
        }
        try {
            Set<Stage> before = served(writable, flagKey);
            Flag written = write(writable, flagKey, wanted, to.orElse(null), audit);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("flag", flagKey);
            body.put("from", names(before));
            body.put("to", names(StageFlag.served(written)));
            body.put("version", written.version());
            body.put("actor", actor);
            return new Result(OK, body);
        } catch (IllegalStageMoveException
                | OpenGapsException
                | PendingRepairsException
                | FlagWriteConflictException e) {
            return error(CONFLICT, e.getMessage() + "; nothing was written", flagKey);
        } catch (IllegalStateException e) {
            return error(CONFLICT, e.getMessage(), flagKey);
        } catch (Exception e) {
            return error(FAILED, "the move failed: " + e, flagKey);
        }
    }

    private Flag write(WritableFlagStore s, String key, String wanted, @Nullable Stage to, AuditInfo audit)
            throws Exception {
        FailedWriteJournal j = journal;
        if (to != null) {
            return j == null ? StageFlag.moveTo(s, key, to, audit) : StageFlag.moveTo(s, key, to, audit, j);
        }
        if (wanted.equals("NEXT")) {
            return j == null ? StageFlag.advance(s, key, audit) : StageFlag.advance(s, key, audit, j);
        }
        return StageFlag.rollBack(s, key, audit);
    }

    /** The stages a stored flag serves ({@link Stage#OLD_ONLY} when absent). */
    static Set<Stage> served(WritableFlagStore store, String key) throws Exception {
        Optional<RawFlag> raw = store.get(key);
        if (raw.isEmpty() || raw.get().rejection() != null) {
            return EnumSet.of(Stage.OLD_ONLY);
        }
        return StageFlag.served(Flag.fromJson(raw.get().json(), key));
    }

    static List<String> names(Set<Stage> stages) {
        return stages.stream().map(Stage::name).toList();
    }

    private static Result error(int status, @Nullable String message, String flagKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flag", flagKey);
        body.put("error", String.valueOf(message));
        return new Result(status, body);
    }
}
