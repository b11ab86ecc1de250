package dev.cutover.flags.spi;

import dev.cutover.flags.Flag;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A store operators write to. Writes are never on the evaluation path.
 *
 * <p>Every write is a compare-and-set on the flag's version: it succeeds only when the stored
 * version equals {@code expectedVersion} (0 for "must not exist"), and in the same atomic step
 * bumps the store revision and appends an {@link AuditRecord}. Two operators writing at once can
 * therefore never lose an update: one of them gets a {@link FlagWriteConflictException}. A flag
 * created again after a delete continues above the highest version its key ever had, so a writer
 * still holding a version from before the delete conflicts instead of overwriting.
 *
 * @since 0.1.0
 */
public interface WritableFlagStore extends FlagStore {

    /** The flag's current document, if present. */
    Optional<RawFlag> get(String key) throws Exception;

    /**
     * Writes a flag if its stored version equals {@code expectedVersion}.
     *
     * @param flag the new definition; its version and audit fields are replaced by the store's
     * @param expectedVersion the version read before (0: the flag must not exist)
     * @param audit who and why
     * @return the flag as stored, with its new version ({@code expectedVersion + 1} or higher)
     * @throws FlagWriteConflictException when the stored version differs
     */
    Flag put(Flag flag, long expectedVersion, AuditInfo audit) throws Exception;

    /**
     * Deletes a flag if its stored version equals {@code expectedVersion}.
     *
     * @throws FlagWriteConflictException when the stored version differs or the flag is absent
     */
    void delete(String key, long expectedVersion, AuditInfo audit) throws Exception;

    /**
     * A page of the flag's history, newest first.
     *
     * @param pageToken null for the newest page, else {@link AuditPage#nextPageToken()}
     * @param pageSize records per page, at least 1
     */
    AuditPage history(String key, @Nullable String pageToken, int pageSize) throws Exception;
}
