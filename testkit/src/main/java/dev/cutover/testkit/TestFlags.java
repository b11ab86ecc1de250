package dev.cutover.testkit;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.VariantType;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.store.InMemoryFlagStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Flags for tests: an {@link InMemoryFlagStore} that tests set values on, and a real
 * {@link FlagClient} over it for the code under test.
 *
 * <p>Every setter writes through the store's compare-and-set API (actor {@code testkit}, reason
 * {@code test}) and then makes the client load the store synchronously, so the value is served as
 * soon as the setter returns: no waiting, no polling, no flaky tests.
 *
 * <pre>{@code
 * try (TestFlags flags = new TestFlags()) {
 *   flags.set("orders.new-checkout", true).set("orders.migration", "SHADOW");
 *   CheckoutService service = new CheckoutService(flags.client());
 *   assertTrue(service.usesNewCheckout("customer-42"));
 *
 *   flags.set("orders.new-checkout", false);   // visible at once
 *   assertFalse(service.usesNewCheckout("customer-42"));
 * }
 * }</pre>
 *
 * <p>Thread-safe. With JUnit 5, {@link dev.cutover.testkit.junit.CutoverFlags @CutoverFlags}
 * creates one per test and closes it afterwards.
 *
 * @since 0.1.0
 */
public final class TestFlags implements AutoCloseable {

    /** The audit entry of every write made by this class. */
    public static final AuditInfo AUDIT = new AuditInfo("testkit", "test");

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_WRITE_ATTEMPTS = 20;

    private final InMemoryFlagStore store;
    private final Clock clock;
    private @Nullable FlagClient client;
    private boolean closed;

    /** Test flags on the system UTC clock. */
    public TestFlags() {
        this(Clock.systemUTC());
    }

    /**
     * Test flags whose client evaluates scheduled flags ({@link Flag#effectiveAt()}) against
     * {@code clock}, and whose store stamps writes with it.
     */
    public TestFlags(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = new InMemoryFlagStore(clock);
    }

    /** Sets a boolean flag that serves {@code value} to every context. */
    public TestFlags set(String key, boolean value) {
        return set(Flag.booleanFlag(key, value));
    }

    /**
     * Sets a string flag that serves {@code value} to every context. Its one variant is named after
     * the value ({@code "empty"} for the empty string).
     */
    public TestFlags set(String key, String value) {
        Objects.requireNonNull(value, "value");
        return set(Flag.builder(key)
                .type(VariantType.STRING)
                .variant(value.isEmpty() ? "empty" : value, value)
                .build());
    }

    /** Sets a number flag that serves {@code value} to every context. */
    public TestFlags set(String key, int value) {
        return set(numberFlag(key, Integer.toString(value), value));
    }

    /** Sets a number flag that serves {@code value} to every context. */
    public TestFlags set(String key, long value) {
        return set(numberFlag(key, Long.toString(value), value));
    }

    /** Sets a number flag that serves {@code value} to every context. */
    public TestFlags set(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "flag '" + key + "': a number flag needs a finite value but got " + value);
        }
        return set(numberFlag(key, Double.toString(value), value));
    }

    private static Flag numberFlag(String key, String name, Number value) {
        return Flag.builder(key).type(VariantType.NUMBER).variant(name, value).build();
    }

    /**
     * Creates or replaces a flag with a complete definition (rules, rollouts, targets, schedule). Its
     * version and audit fields are assigned by the store.
     */
    public synchronized TestFlags set(Flag flag) {
        Objects.requireNonNull(flag, "flag");
        requireOpen();
        for (int attempt = 1; ; attempt++) {
            long current = store.get(flag.key()).map(RawFlag::version).orElse(0L);
            try {
                store.put(flag, current, AUDIT);
                break;
            } catch (FlagWriteConflictException e) {
                // someone wrote to store() concurrently; re-read and retry
                if (attempt >= MAX_WRITE_ATTEMPTS) {
                    throw e;
                }
            }
        }
        catchUp();
        return this;
    }

    /** Deletes a flag; the client then serves the caller's default for it. Absent keys are ignored. */
    public synchronized TestFlags remove(String key) {
        Objects.requireNonNull(key, "key");
        requireOpen();
        delete(key);
        catchUp();
        return this;
    }

    private void delete(String key) {
        for (int attempt = 1; ; attempt++) {
            Optional<RawFlag> current = store.get(key);
            if (current.isEmpty()) {
                break;
            }
            try {
                store.delete(key, current.get().version(), AUDIT);
                break;
            } catch (FlagWriteConflictException e) {
                if (attempt >= MAX_WRITE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Deletes every flag. */
    public synchronized TestFlags clear() {
        requireOpen();
        for (RawFlag raw : store.load().flags()) {
            delete(raw.key());
        }
        catchUp();
        return this;
    }

    /**
     * The flag as stored, if present, including its version and audit fields. A stored document
     * that is not a valid flag (written with {@link InMemoryFlagStore#putRaw}) is reported as an
     * {@link dev.cutover.flags.InvalidFlagException}.
     */
    public synchronized Optional<Flag> get(String key) {
        return store.get(key).map(raw -> Flag.fromJson(raw.json()));
    }

    /**
     * The client over {@link #store()}, started on first use. The caller must not close it; it is
     * closed by {@link #close()}.
     */
    public synchronized FlagClient client() {
        requireOpen();
        FlagClient c = client;
        if (c == null) {
            c = FlagClient.builder(store)
                    .startupTimeout(STARTUP_TIMEOUT)
                    .clock(clock)
                    .build();
            client = c;
            catchUp();
        }
        return c;
    }

    /**
     * The store, for tests that write to it directly: audit history, compare-and-set conflicts, or
     * bad documents through {@link InMemoryFlagStore#putRaw}. Call {@link #refresh()} after such a
     * write to make the client serve it at once (otherwise it arrives by push hint shortly after).
     */
    public InMemoryFlagStore store() {
        return store;
    }

    /** Makes the client load the store now, so it serves everything written so far. */
    public synchronized TestFlags refresh() {
        requireOpen();
        catchUp();
        return this;
    }

    /** Closes the client; further writes are rejected. Closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        FlagClient c = client;
        client = null;
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            store.close();
        }
    }

    /** Whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    private void catchUp() {
        FlagClient c = client;
        if (c != null && !c.refreshNow()) {
            throw new IllegalStateException("the test flag client did not catch up with its store: " + c.status());
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("TestFlags is closed");
        }
    }

    @Override
    public String toString() {
        return "TestFlags{revision=" + store.headRevision() + ", closed=" + isClosed() + "}";
    }
}
