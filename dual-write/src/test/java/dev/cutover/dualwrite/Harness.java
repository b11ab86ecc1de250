package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.journal.InMemoryFailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.testkit.Eventually;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One proxy over an old and a new in-memory store (the new one fault-injecting), with test flags,
 * an in-memory journal and a recording listener. Close it to close everything.
 */
public final class Harness implements AutoCloseable {
    public static final String FLAG = "orders.migration";
    /** Every thread the library starts has a name starting with this. */
    public static final String THREAD_PREFIX = "cutover-dualwrite-";

    public final TestFlags flags;
    public final InMemoryOrders oldStore = new InMemoryOrders("old-");
    public final InMemoryOrders newData = new InMemoryOrders("new-");
    /** Faults for the new store by "method key" (key "*" for list and count). */
    public final Map<String, Fault> faults = new ConcurrentHashMap<>();

    public final FaultyOrders newStore;
    public final InMemoryFailedWriteJournal journal = new InMemoryFailedWriteJournal();
    public final RecordingListener listener = new RecordingListener();
    public final OrderRepository orders;
    public final DualWriteControl control;
    private final boolean ownsFlags;

    private Harness(
            TestFlags flags, boolean ownsFlags, Duration delay, Consumer<DualWrite.Builder<OrderRepository>> config) {
        this.flags = flags;
        this.ownsFlags = ownsFlags;
        this.newStore = new FaultyOrders(newData, (m, k) -> faults.getOrDefault(m + " " + k, Fault.NONE), delay);
        DualWrite.Builder<OrderRepository> b = DualWrite.of(OrderRepository.class)
                .oldStore(oldStore)
                .newStore(newStore)
                .stageFlag(flags.client(), FLAG)
                .entityKey("save", args -> ((Order) args[0]).id())
                .journal(journal)
                .listener(listener);
        config.accept(b);
        this.orders = b.build();
        this.control = DualWrite.control(orders);
    }

    /** A harness with its own flags, at {@code stage}. */
    public static Harness at(Stage stage, Consumer<DualWrite.Builder<OrderRepository>> config) {
        TestFlags flags = new TestFlags();
        flags.set(FLAG, stage.name());
        return new Harness(flags, true, Duration.ofSeconds(2), config);
    }

    public static Harness at(Stage stage) {
        return at(stage, b -> {});
    }

    /** A harness on shared flags (the caller sets and closes them). */
    public static Harness on(TestFlags flags, Duration delay, Consumer<DualWrite.Builder<OrderRepository>> config) {
        return new Harness(flags, false, delay, config);
    }

    public Harness stage(Stage stage) {
        flags.set(FLAG, stage.name());
        return this;
    }

    public void idle() {
        try {
            assertThat(control.awaitIdle(Duration.ofSeconds(10)))
                    .as("shadow work idle")
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public List<JournalEntry> journaled() {
        return journal.pending();
    }

    @Override
    public void close() {
        try {
            assertThat(control.close(Duration.ofSeconds(5)))
                    .as("closed cleanly")
                    .isTrue();
        } finally {
            if (ownsFlags) {
                flags.close();
            }
        }
    }

    /** Asserts that no thread the library started is alive. */
    public static void assertNoLibraryThreads() {
        Eventually.within(
                Duration.ofSeconds(5),
                "no " + THREAD_PREFIX + " threads",
                () -> libraryThreads().isEmpty());
    }

    public static List<String> libraryThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(THREAD_PREFIX))
                .toList();
    }
}
