package dev.cutover.journal;

import static dev.cutover.journal.JdbcFailedWriteJournal.MAX_DETAIL_LENGTH;
import static dev.cutover.journal.JdbcFailedWriteJournal.MAX_ENTITY_KEY_LENGTH;
import static dev.cutover.journal.JdbcFailedWriteJournal.MAX_METHOD_LENGTH;
import static dev.cutover.journal.JdbcFailedWriteJournal.MAX_REPOSITORY_LENGTH;

import java.util.Objects;

/**
 * The checks both journals of this package apply before they record a {@link FailedWrite}, so that
 * a test on the in-memory journal fails exactly where production on a database would.
 *
 * <p>Identifying fields (repository, method, entity key) are never altered: one that a database
 * could not store faithfully (too long, a NUL character, a broken UTF-16 surrogate pair) is
 * rejected, because a shortened or altered key would send repair to the wrong entity. The detail
 * is only for people, so it is never rejected: it is shortened to {@link
 * JdbcFailedWriteJournal#MAX_DETAIL_LENGTH} characters and unstorable characters are replaced.
 *
 * <p>Lengths are {@link String#length()}, UTF-16 units: never fewer than the characters a
 * database counts, so a value within the limit always fits its column.
 */
final class FailedWriteChecks {
    /** Ends a shortened detail. */
    static final char ELLIPSIS = '\u2026';

    private FailedWriteChecks() {}

    /**
     * The write as a journal stores it: identifying fields checked, detail shortened.
     *
     * @throws IllegalArgumentException naming the field, its length and the limit, or the bad
     *     character's index
     */
    static FailedWrite checked(FailedWrite write) {
        Objects.requireNonNull(write, "write");
        String where = write.repository() + "." + write.method();
        requireStorable("repository", write.repository(), MAX_REPOSITORY_LENGTH, "");
        requireStorable("method", write.method(), MAX_METHOD_LENGTH, " of " + write.repository());
        if (write.entityKey() != null) {
            requireStorable("entityKey", write.entityKey(), MAX_ENTITY_KEY_LENGTH, " of " + where);
        }
        String detail = shortDetail(write.detail());
        if (detail.equals(write.detail())) {
            return write;
        }
        return new FailedWrite(
                write.repository(),
                write.method(),
                write.entityKey(),
                write.target(),
                write.reason(),
                detail,
                write.at());
    }

    /** A gap as the journals of this package store it: id and repository checked, detail shortened. */
    static Gap checked(Gap gap) {
        Objects.requireNonNull(gap, "gap");
        requireStorable("id", gap.id(), JdbcFailedWriteJournal.MAX_GAP_ID_LENGTH, " of a gap");
        requireStorable("repository", gap.repository(), MAX_REPOSITORY_LENGTH, " of gap " + gap.id());
        String detail = shortDetail(gap.detail());
        return detail.equals(gap.detail())
                ? gap
                : new Gap(gap.id(), gap.repository(), gap.kind(), gap.from(), gap.to(), detail);
    }

    private static void requireStorable(String field, String value, int max, String where) {
        if (value.length() > max) {
            throw new IllegalArgumentException(field + where + " must be at most " + max + " characters but was "
                    + value.length() + " characters long; the journal does not shorten identifying fields");
        }
        int bad = firstUnstorable(value);
        if (bad >= 0) {
            throw new IllegalArgumentException(
                    field + where + " has " + (value.charAt(bad) == 0 ? "a NUL character" : "an unpaired surrogate")
                            + " at index " + bad + ", which databases cannot store");
        }
    }

    /** The index of the first NUL or unpaired surrogate, or -1. */
    private static int firstUnstorable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == 0) {
                return i;
            }
            if (Character.isHighSurrogate(ch)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return i;
            }
            if (Character.isLowSurrogate(ch)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * At most {@link JdbcFailedWriteJournal#MAX_DETAIL_LENGTH} characters, ending in an ellipsis when
     * shortened (never between the two halves of a surrogate pair), with NUL characters and unpaired
     * surrogates replaced by U+FFFD.
     */
    static String shortDetail(String detail) {
        String d = detail;
        if (d.length() > MAX_DETAIL_LENGTH) {
            int cut = MAX_DETAIL_LENGTH - 1;
            if (Character.isHighSurrogate(d.charAt(cut - 1)) && Character.isLowSurrogate(d.charAt(cut))) {
                cut--;
            }
            d = d.substring(0, cut) + ELLIPSIS;
        }
        if (firstUnstorable(d) < 0) {
            return d;
        }
        StringBuilder clean = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++) {
            char ch = d.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < d.length() && Character.isLowSurrogate(d.charAt(i + 1))) {
                clean.append(ch).append(d.charAt(++i));
            } else if (ch == 0 || Character.isSurrogate(ch)) {
                clean.append('\uFFFD');
            } else {
                clean.append(ch);
            }
        }
        return clean.toString();
    }
}
