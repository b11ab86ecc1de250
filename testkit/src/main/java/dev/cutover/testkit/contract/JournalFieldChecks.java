package dev.cutover.testkit.contract;

import static dev.cutover.testkit.contract.FailedWriteJournalContract.AT;
import static dev.cutover.testkit.contract.FailedWriteJournalContract.ids;
import static dev.cutover.testkit.contract.FailedWriteJournalContract.keys;
import static dev.cutover.testkit.contract.FailedWriteJournalContract.repeat;
import static dev.cutover.testkit.contract.FailedWriteJournalContract.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWrite.Reason;
import dev.cutover.journal.FailedWrite.Target;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The field tests of {@link FailedWriteJournalContract}: every field round-trips (instants to the
 * millisecond, a null entity key, awkward characters), identifying fields past their limit are
 * rejected with the length and the limit in the message while a long detail is only shortened, and
 * bad arguments fail clearly. Made by each test method of the contract, after the journal under test
 * was created; it reaches the contract's hooks, so overrides apply.
 */
final class JournalFieldChecks {
    private final FailedWriteJournalContract contract;
    private final FailedWriteJournal journal;

    JournalFieldChecks(FailedWriteJournalContract contract) {
        this.contract = contract;
        this.journal = contract.journal;
    }

    private int maxEntityKeyLength() {
        return contract.maxEntityKeyLength();
    }

    private int maxRepositoryLength() {
        return contract.maxRepositoryLength();
    }

    private int maxMethodLength() {
        return contract.maxMethodLength();
    }

    private int maxDetailLength() {
        return contract.maxDetailLength();
    }

    void everyFieldRoundTrips() throws Exception {
        Map<Long, FailedWrite> appended = new LinkedHashMap<>();
        int n = 0;
        for (Target target : Target.values()) {
            for (Reason reason : Reason.values()) {
                FailedWrite w = new FailedWrite(
                        "Repo" + n,
                        "method" + n,
                        "key-" + n + "-é✓",
                        target,
                        reason,
                        "detail " + n + ": java.io.IOException: reset",
                        AT.plusMillis(n * 1_001L));
                appended.put(journal.append(w), w);
                n++;
            }
        }
        List<JournalEntry> pending = journal.pending(0, 100);
        assertThat(pending).hasSize(appended.size());
        for (JournalEntry e : pending) {
            assertThat(e.write()).isEqualTo(appended.get(e.id()));
        }
    }

    void nullEntityKeyRoundTrips() throws Exception {
        long id = journal.append(write(null));
        journal.append(write(""));
        List<JournalEntry> pending = journal.pending(0, 10);
        assertThat(pending.get(0).id()).isEqualTo(id);
        assertThat(pending.get(0).write()).isEqualTo(write(null));
        assertThat(pending.get(0).write().entityKey()).isNull();
        assertThat(pending.get(1).write().entityKey()).isEmpty();
    }

    void instantsKeepAtLeastMilliseconds() throws Exception {
        Instant precise = Instant.parse("2030-01-02T03:04:05.123456789Z");
        List<Instant> instants = List.of(
                Instant.parse("1970-01-01T00:00:00Z"),
                Instant.parse("2100-12-31T23:59:59.999Z"),
                Instant.ofEpochMilli(1),
                precise);
        int i = 0;
        for (Instant at : instants) {
            journal.append(new FailedWrite("R", "m", "k" + i++, Target.OLD, Reason.SHED, "d", at));
        }
        List<Instant> read =
                journal.pending(0, 10).stream().map(e -> e.write().at()).collect(Collectors.toList());
        assertThat(read.subList(0, 3)).containsExactlyElementsOf(instants.subList(0, 3));
        assertThat(read.get(3)).isBetween(Instant.parse("2030-01-02T03:04:05.123Z"), precise);
    }

    void identifyingFieldsRoundTripExactly() throws Exception {
        List<String> keys = List.of(
                "O'Brien",
                "a\"b",
                "back\\slash",
                "100%_like",
                "'; DROP TABLE failed_writes; --",
                "trailing space ",
                " leading",
                "tab\tand\nnewline",
                "Case",
                "case",
                "CASE",
                "é",
                "e\u0301",
                "日本語",
                "emoji 😀 outside the BMP",
                "\uFEFFbom",
                "ß");
        Map<Long, String> appended = new LinkedHashMap<>();
        for (String key : keys) {
            appended.put(
                    journal.append(new FailedWrite("Repo " + key, "m" + key, key, Target.NEW, Reason.FAILED, key, AT)),
                    key);
        }
        for (JournalEntry e : journal.pending(0, 100)) {
            String key = appended.get(e.id());
            assertThat(e.write().entityKey()).isEqualTo(key);
            assertThat(e.write().repository()).isEqualTo("Repo " + key);
            assertThat(e.write().method()).isEqualTo("m" + key);
            assertThat(e.write().detail()).isEqualTo(key);
        }
        assertThat(journal.pendingCount()).isEqualTo(keys.size());
    }

    void limitBelowOneIsRejected() {
        for (int limit : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> journal.pending(0, limit))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit")
                    .hasMessageContaining(Integer.toString(limit));
        }
    }

    void entityKeyAtTheLimitIsKeptAndOneMoreIsRejected() throws Exception {
        int max = maxEntityKeyLength();
        String longest = "k".repeat(max - 2) + "😀"; // a surrogate pair counts as two
        journal.append(write(longest));
        String tooLong = repeat('k', max + 1);
        assertThatThrownBy(() -> journal.append(write(tooLong)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entityKey")
                .hasMessageContaining(Integer.toString(max + 1))
                .hasMessageContaining(Integer.toString(max));
        assertThat(keys(journal.pending(0, 10))).containsExactly(longest);
    }

    void repositoryOrMethodBeyondTheLimitIsRejected() throws Exception {
        int maxRepo = maxRepositoryLength();
        int maxMethod = maxMethodLength();
        journal.append(
                new FailedWrite(repeat('R', maxRepo), repeat('m', maxMethod), "k", Target.NEW, Reason.FAILED, "d", AT));
        assertThatThrownBy(() -> journal.append(
                        new FailedWrite(repeat('R', maxRepo + 1), "save", "k", Target.NEW, Reason.FAILED, "d", AT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("repository")
                .hasMessageContaining(Integer.toString(maxRepo + 1))
                .hasMessageContaining(Integer.toString(maxRepo));
        assertThatThrownBy(() -> journal.append(
                        new FailedWrite("Repo", repeat('m', maxMethod + 1), "k", Target.NEW, Reason.FAILED, "d", AT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("method")
                .hasMessageContaining(Integer.toString(maxMethod + 1))
                .hasMessageContaining(Integer.toString(maxMethod));
        assertThat(journal.pendingCount()).isEqualTo(1);
    }

    void keysNoDatabaseCanStoreAreRejected() throws Exception {
        assertThatThrownBy(() -> journal.append(write("nul\u0000here")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entityKey")
                .hasMessageContaining("NUL")
                .hasMessageContaining("index 3");
        assertThatThrownBy(() -> journal.append(write("half \uD83D pair")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("surrogate")
                .hasMessageContaining("index 5");
        assertThat(journal.pendingCount()).isZero();
    }

    void longDetailIsShortenedNeverRejected() throws Exception {
        int max = maxDetailLength();
        String atLimit = "x".repeat(max - 1) + "y";
        String huge = "java.lang.IllegalStateException: " + "z".repeat(20_000);
        String withNul = "before\u0000after \uDC00 lone";
        journal.append(new FailedWrite("R", "m", "a", Target.NEW, Reason.FAILED, atLimit, AT));
        journal.append(new FailedWrite("R", "m", "b", Target.NEW, Reason.FAILED, huge, AT));
        journal.append(new FailedWrite("R", "m", "c", Target.NEW, Reason.FAILED, withNul, AT));
        List<JournalEntry> pending = journal.pending(0, 10);
        assertThat(pending.get(0).write().detail()).isEqualTo(atLimit);
        String shortened = pending.get(1).write().detail();
        if (!shortened.equals(huge)) {
            // shortened to the limit, keeping the start (the last character may mark the cut)
            assertThat(shortened.length()).isBetween(max - 2, max);
            assertThat(huge).startsWith(shortened.substring(0, shortened.length() - 1));
        }
        assertThat(pending.get(2).write().detail()).startsWith("before").contains("after");
    }

    void nullArgumentsAreRejected() throws Exception {
        long id = journal.append(write("a"));
        assertThatThrownBy(() -> journal.append(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> journal.resolve(null)).isInstanceOf(NullPointerException.class);
        Collection<Long> withNull = Arrays.asList(id, null);
        assertThatThrownBy(() -> journal.resolve(withNull)).isInstanceOf(NullPointerException.class);
        // nothing of a rejected call happened
        assertThat(ids(journal.pending(0, 10))).containsExactly(id);
    }
}
