package dev.cutover.benchmarks;

import static dev.cutover.benchmarks.MigrationFixture.ACCOUNTS;
import static dev.cutover.benchmarks.MigrationFixture.ACCOUNT_COUNT;
import static dev.cutover.benchmarks.MigrationFixture.NEW_LATENCY;
import static dev.cutover.benchmarks.MigrationFixture.OLD_LATENCY;

import com.launchdarkly.sdk.server.MigrationStage;
import com.launchdarkly.sdk.server.migrations.MigrationExecution;
import com.launchdarkly.sdk.server.migrations.MigrationSerialOrder;
import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.Stage;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a caller pays for a migration library around a repository, against calling the old
 * repository directly; one benchmark per system and scenario, named {@code <system>_<scenario>}:
 *
 * <ul>
 *   <li>{@code oldOnlyRead}: the migration has not started (Cutover {@code OLD_ONLY},
 *       LaunchDarkly {@code off}); the old store has no latency, so the overhead shows in ns;
 *   <li>{@code shadowRead}: the old store is authoritative and the new store is read too and
 *       compared (Cutover {@code SHADOW}, LaunchDarkly {@code shadow}, a Scientist4J experiment);
 *       the old store takes {@link MigrationFixture#OLD_LATENCY} of CPU on the caller's thread, the
 *       new store waits 10 times as long;
 *   <li>{@code shadowWrite}: the same stores and stage, for {@code save}: the old store is written
 *       on the caller's thread and the new store in the background (Cutover only, against the old
 *       store called directly). The benchmark loop writes faster than the shadow side absorbs, so
 *       most shadow writes are shed and their keys recorded on the caller's thread: the caller's
 *       cost of a shadow write under overload;
 *   <li>{@code shedWrite}: {@code save} in {@code SHADOW} with an old store without latency, so the
 *       loop writes about a million times a second and nearly every shadow write is shed: the
 *       caller's cost of the shed path in ns, which a 20 µs old store hides in its noise.
 * </ul>
 *
 * <p>Every call is for the next of the {@link MigrationFixture#ACCOUNTS}, in turn ({@link
 * Cursor}), so the calls spread over entity keys as real traffic does. Each system has its own
 * {@link State}, so a fork starts only the system it measures; {@link TearDown} stops its threads.
 * Cutover's states print their shadow counts (including what was shed) at tear-down.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DualWriteBenchmark {

    /** The next account to read or write: each call takes the next of the 1,024, in turn. */
    @State(Scope.Thread)
    public static class Cursor {
        private final Account[] accounts = ACCOUNTS.toArray(new Account[0]);
        private int next;

        /** The next account. */
        public Account nextAccount() {
            int i = next;
            next = (i + 1) & (ACCOUNT_COUNT - 1);
            return accounts[i];
        }

        /** The next account's id. */
        public String nextId() {
            return nextAccount().id();
        }
    }

    // ---- OLD_ONLY: no latency, overhead in ns ----

    /** The old store, without latency, called directly. */
    @State(Scope.Benchmark)
    public static class DirectOldOnlyState {
        Accounts old;

        /** Fills the store. */
        @Setup
        public void setUp() {
            old = SimulatedAccounts.instant(ACCOUNTS);
        }
    }

    /** Cutover's proxy at {@code OLD_ONLY} over two stores without latency. */
    @State(Scope.Benchmark)
    public static class CutoverOldOnlyState {
        CutoverDualWrite dualWrite;
        Accounts accounts;

        /** Builds the proxy. */
        @Setup
        public void setUp() throws Exception {
            dualWrite = new CutoverDualWrite(
                    SimulatedAccounts.instant(ACCOUNTS), SimulatedAccounts.instant(ACCOUNTS), Stage.OLD_ONLY);
            accounts = dualWrite.accounts();
        }

        /** Prints the shadow counts (none expected) and closes the proxy. */
        @TearDown
        public void tearDown() throws InterruptedException {
            System.out.println("\n[cutover OLD_ONLY] " + dualWrite.drainAndSummarize());
            dualWrite.close();
        }
    }

    /** LaunchDarkly's migration in stage {@code off} over two stores without latency. */
    @State(Scope.Benchmark)
    public static class LaunchDarklyOldOnlyState {
        LaunchDarklyMigration migration;

        /** Starts the client and builds the migration. */
        @Setup
        public void setUp() {
            migration = new LaunchDarklyMigration(
                    SimulatedAccounts.instant(ACCOUNTS),
                    SimulatedAccounts.instant(ACCOUNTS),
                    MigrationStage.OFF,
                    MigrationExecution.Parallel());
        }

        /** Stops the client. */
        @TearDown
        public void tearDown() {
            migration.close();
        }
    }

    // ---- SHADOW: old store 20 µs (spinning), new store 200 µs (parked) ----

    /** The old store, with its latency, called directly. */
    @State(Scope.Benchmark)
    public static class DirectShadowState {
        Accounts old;

        /** Fills the store. */
        @Setup
        public void setUp() {
            old = SimulatedAccounts.spinning(OLD_LATENCY, ACCOUNTS);
        }
    }

    /** The new store alone, called directly: what waiting for it costs a caller. */
    @State(Scope.Benchmark)
    public static class DirectNewState {
        Accounts newStore;

        /** Fills the store. */
        @Setup
        public void setUp() {
            newStore = SimulatedAccounts.parking(NEW_LATENCY, ACCOUNTS);
        }
    }

    /** Cutover's proxy at {@code SHADOW}, comparing every read (the default). */
    @State(Scope.Benchmark)
    public static class CutoverShadowState {
        CutoverDualWrite dualWrite;
        Accounts accounts;

        /** Builds the proxy. */
        @Setup
        public void setUp() throws Exception {
            dualWrite = new CutoverDualWrite(oldStore(), newStore(), Stage.SHADOW);
            accounts = dualWrite.accounts();
        }

        /** Prints the shadow counts, shed reads included, and closes the proxy. */
        @TearDown
        public void tearDown() throws InterruptedException {
            System.out.println("\n[cutover SHADOW] " + dualWrite.drainAndSummarize());
            dualWrite.close();
        }
    }

    /** Cutover's proxy at {@code SHADOW} over an old store without latency and the usual new store. */
    @State(Scope.Benchmark)
    public static class CutoverShedState {
        CutoverDualWrite dualWrite;
        Accounts accounts;

        /** Builds the proxy. */
        @Setup
        public void setUp() throws Exception {
            dualWrite = new CutoverDualWrite(SimulatedAccounts.instant(ACCOUNTS), newStore(), Stage.SHADOW);
            accounts = dualWrite.accounts();
        }

        /** Prints the shadow counts, shed writes included, and closes the proxy. */
        @TearDown
        public void tearDown() throws InterruptedException {
            System.out.println("\n[cutover SHADOW, old store without latency] " + dualWrite.drainAndSummarize());
            dualWrite.close();
        }
    }

    /** Cutover's proxy at {@code SHADOW}, comparing 10% of reads ({@code sampleRate(0.1)}). */
    @State(Scope.Benchmark)
    public static class CutoverSampledShadowState {
        CutoverDualWrite dualWrite;
        Accounts accounts;

        /** Builds the proxy. */
        @Setup
        public void setUp() throws Exception {
            dualWrite = new CutoverDualWrite(
                    oldStore(),
                    newStore(),
                    Stage.SHADOW,
                    Comparison.builder().sampleRate(0.1).build());
            accounts = dualWrite.accounts();
        }

        /** Prints the shadow counts, shed reads included, and closes the proxy. */
        @TearDown
        public void tearDown() throws InterruptedException {
            System.out.println("\n[cutover SHADOW, sampleRate 0.1] " + dualWrite.drainAndSummarize());
            dualWrite.close();
        }
    }

    /** LaunchDarkly's migration in stage {@code shadow}, reads in parallel (its default). */
    @State(Scope.Benchmark)
    public static class LaunchDarklyParallelShadowState {
        LaunchDarklyMigration migration;

        /** Starts the client and builds the migration. */
        @Setup
        public void setUp() {
            migration = new LaunchDarklyMigration(
                    oldStore(), newStore(), MigrationStage.SHADOW, MigrationExecution.Parallel());
        }

        /** Stops the migration's pool and the client. */
        @TearDown
        public void tearDown() {
            migration.close();
        }
    }

    /** LaunchDarkly's migration in stage {@code shadow}, reads serial, old first. */
    @State(Scope.Benchmark)
    public static class LaunchDarklySerialShadowState {
        LaunchDarklyMigration migration;

        /** Starts the client and builds the migration. */
        @Setup
        public void setUp() {
            migration = new LaunchDarklyMigration(
                    oldStore(),
                    newStore(),
                    MigrationStage.SHADOW,
                    MigrationExecution.Serial(MigrationSerialOrder.FIXED));
        }

        /** Stops the client. */
        @TearDown
        public void tearDown() {
            migration.close();
        }
    }

    /** A Scientist4J experiment: control the old store, candidate the new one. */
    @State(Scope.Benchmark)
    public static class Scientist4jState {
        Scientist4jExperiment experiment;

        /** Builds the experiment and its executor. */
        @Setup
        public void setUp() {
            experiment = new Scientist4jExperiment(oldStore(), newStore());
        }

        /** Stops the executor. */
        @TearDown
        public void tearDown() {
            experiment.close();
        }
    }

    /** The same, for {@code runAsync}; its own state so that its fork has its own executor. */
    @State(Scope.Benchmark)
    public static class Scientist4jAsyncState {
        Scientist4jExperiment experiment;

        /** Builds the experiment and its executor. */
        @Setup
        public void setUp() {
            experiment = new Scientist4jExperiment(oldStore(), newStore());
        }

        /** Stops the executor. */
        @TearDown
        public void tearDown() {
            experiment.close();
        }
    }

    static SimulatedAccounts oldStore() {
        return SimulatedAccounts.spinning(OLD_LATENCY, ACCOUNTS);
    }

    static SimulatedAccounts newStore() {
        return SimulatedAccounts.parking(NEW_LATENCY, ACCOUNTS);
    }

    // ---- oldOnlyRead ----

    /** The old store without latency, called directly: the baseline. */
    @Benchmark
    public Optional<Account> direct_oldOnlyRead(DirectOldOnlyState s, Cursor c) {
        return s.old.find(c.nextId());
    }

    /** Cutover's proxy at {@code OLD_ONLY}. */
    @Benchmark
    public Optional<Account> cutover_oldOnlyRead(CutoverOldOnlyState s, Cursor c) {
        return s.accounts.find(c.nextId());
    }

    /** LaunchDarkly's {@code Migration.read} in stage {@code off}. */
    @Benchmark
    public Optional<Account> launchdarkly_oldOnlyRead(LaunchDarklyOldOnlyState s, Cursor c) {
        return s.migration.read(c.nextId());
    }

    // ---- shadowRead ----

    /** The old store (20 µs) called directly: the baseline. */
    @Benchmark
    public Optional<Account> direct_shadowRead(DirectShadowState s, Cursor c) {
        return s.old.find(c.nextId());
    }

    /** The new store (200 µs, parked) called directly: for reference. */
    @Benchmark
    public Optional<Account> directNew_shadowRead(DirectNewState s, Cursor c) {
        return s.newStore.find(c.nextId());
    }

    /** Cutover's proxy at {@code SHADOW}, every read compared; the caller gets the old result. */
    @Benchmark
    public Optional<Account> cutover_shadowRead(CutoverShadowState s, Cursor c) {
        return s.accounts.find(c.nextId());
    }

    // ---- shadowWrite ----

    /** The old store (20 µs) written directly: the baseline. */
    @Benchmark
    public void direct_shadowWrite(DirectShadowState s, Cursor c) {
        s.old.save(c.nextAccount());
    }

    /**
     * Cutover's proxy at {@code SHADOW}: the old store is written on the caller's thread, the new one
     * in the background; a shadow write that is shed puts its key in the journal's ledger.
     */
    @Benchmark
    public void cutover_shadowWrite(CutoverShadowState s, Cursor c) {
        s.accounts.save(c.nextAccount());
    }

    // ---- shedWrite ----

    /** The old store without latency, written directly: the baseline. */
    @Benchmark
    public void direct_shedWrite(DirectOldOnlyState s, Cursor c) {
        s.old.save(c.nextAccount());
    }

    /** Cutover's proxy at {@code SHADOW} over an old store without latency: nearly every shadow write is shed. */
    @Benchmark
    public void cutover_shedWrite(CutoverShedState s, Cursor c) {
        s.accounts.save(c.nextAccount());
    }

    /** Cutover's proxy at {@code SHADOW}, 10% of reads compared. */
    @Benchmark
    public Optional<Account> cutoverSampled_shadowRead(CutoverSampledShadowState s, Cursor c) {
        return s.accounts.find(c.nextId());
    }

    /** LaunchDarkly's {@code Migration.read} in stage {@code shadow}, parallel execution. */
    @Benchmark
    public Optional<Account> launchdarklyParallel_shadowRead(LaunchDarklyParallelShadowState s, Cursor c) {
        return s.migration.read(c.nextId());
    }

    /** LaunchDarkly's {@code Migration.read} in stage {@code shadow}, serial execution, old first. */
    @Benchmark
    public Optional<Account> launchdarklySerial_shadowRead(LaunchDarklySerialShadowState s, Cursor c) {
        return s.migration.read(c.nextId());
    }

    /** Scientist4J's {@code Experiment.run}. */
    @Benchmark
    public Optional<Account> scientist4j_shadowRead(Scientist4jState s, Cursor c) throws Exception {
        return s.experiment.run(c.nextId());
    }

    /** Scientist4J's {@code Experiment.runAsync}. */
    @Benchmark
    public Optional<Account> scientist4jAsync_shadowRead(Scientist4jAsyncState s, Cursor c) throws Exception {
        return s.experiment.runAsync(c.nextId());
    }
}
