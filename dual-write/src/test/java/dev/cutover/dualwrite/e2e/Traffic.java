package dev.cutover.dualwrite.e2e;

import dev.cutover.testkit.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Callers of the proxy: worker threads doing a random mix of finds, saves, deletes and tier
 * listings until stopped, counting every result and every exception they see.
 *
 * <p>Each id is written by one worker only (its owner), while every worker reads every id. So the
 * state each caller's acknowledged writes leave is known exactly ({@link #expected()}), and the
 * owner can check that its own reads return what it last wrote. Writers of one key racing each
 * other are a documented limit of the proxy (their shadow writes may land in the other order), not
 * what this test is about.
 */
final class Traffic {
    enum Op {
        FIND,
        FIND_OWN,
        SAVE,
        DELETE,
        LIST
    }

    /** An owner read that did not return what the owner last wrote. */
    record StaleRead(long atNanos, String id, Optional<Customer> expected, Optional<Customer> got) {}

    static final List<String> TIERS = List.of("bronze", "silver", "gold");
    private static final List<String> TAGS = List.of("vip", "newsletter", "beta", "b2b", "churn-risk");
    private static final List<String> NAMES = List.of("Ada", "Grace", "Linus", "Barbara", "Ken", "Radia", "Edsger");

    private final CustomerRepository customers;
    private final List<String> ids;
    private final int threads;
    private final long seed;
    private final long paceNanos;
    private final Map<String, Customer> expected = new ConcurrentHashMap<>();
    private final Map<String, Instant> versions = new ConcurrentHashMap<>();
    private final Map<Op, LongAdder> calls = new EnumMap<>(Op.class);
    private final LongAdder found = new LongAdder();
    private final LongAdder notFound = new LongAdder();
    private final LongAdder listed = new LongAdder();
    private final LongAdder ops = new LongAdder();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> firstErrors = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<StaleRead> staleReads = new ConcurrentLinkedQueue<>();
    /** Workers hold the read lock for one call; {@link #pause()} takes the write lock. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();

    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param initial the rows the old store holds before traffic starts
     * @param paceNanos how long each worker parks between calls
     */
    Traffic(
            CustomerRepository customers,
            List<String> ids,
            Map<String, Customer> initial,
            int threads,
            long seed,
            long paceNanos) {
        this.customers = customers;
        this.ids = List.copyOf(ids);
        this.threads = threads;
        this.seed = seed;
        this.paceNanos = paceNanos;
        initial.forEach((id, c) -> {
            expected.put(id, c.canonical());
            versions.put(id, c.updatedAt());
        });
        for (Op op : Op.values()) {
            calls.put(op, new LongAdder());
        }
    }

    void start() {
        running = true;
        for (int w = 0; w < threads; w++) {
            int worker = w;
            Thread t = new Thread(() -> work(worker), "e2e-caller-" + w);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Stops the workers and waits for them; their last calls have returned when this returns. */
    void stop() throws InterruptedException {
        running = false;
        for (Thread t : workers) {
            t.join(10_000);
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not stop: " + List.of(t.getStackTrace()));
            }
        }
    }

    /** Blocks new calls and waits until the calls under way have returned. */
    void pause() {
        gate.writeLock().lock();
    }

    void resume() {
        gate.writeLock().unlock();
    }

    /** Calls made so far. */
    long ops() {
        return ops.sum();
    }

    /**
     * Waits until the workers made {@code more} calls from now.
     *
     * @throws AssertionError at once when a caller saw an exception, with the first as its cause
     */
    void runFor(long more, Duration within) {
        long target = ops() + more;
        Eventually.within(within, more + " more calls", () -> ops() >= target || !errors.isEmpty());
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError("callers saw exceptions: " + errors());
            firstErrors.stream().findFirst().ifPresent(e::initCause);
            throw e;
        }
    }

    private void work(int worker) {
        Random random = new Random(seed * 31 + worker);
        List<String> own = new ArrayList<>();
        for (int i = worker; i < ids.size(); i += threads) {
            own.add(ids.get(i));
        }
        while (running) {
            Op op = pick(random.nextInt(100));
            String id = op == Op.FIND ? ids.get(random.nextInt(ids.size())) : own.get(random.nextInt(own.size()));
            gate.readLock().lock();
            try {
                call(op, id, random, own.contains(id));
            } catch (Throwable t) {
                errors.add(op + " " + id + ": " + t);
                if (firstErrors.size() < 3) {
                    firstErrors.add(t);
                }
            } finally {
                gate.readLock().unlock();
                calls.get(op).increment();
                ops.increment();
            }
            LockSupport.parkNanos(paceNanos);
        }
    }

    private static Op pick(int dice) {
        if (dice < 40) {
            return Op.FIND;
        }
        if (dice < 57) {
            return Op.FIND_OWN;
        }
        if (dice < 85) {
            return Op.SAVE;
        }
        if (dice < 97) {
            return Op.DELETE;
        }
        return Op.LIST;
    }

    private void call(Op op, String id, Random random, boolean owned) {
        switch (op) {
            case FIND, FIND_OWN -> {
                Optional<Customer> got = customers.find(id);
                (got.isPresent() ? found : notFound).increment();
                if (owned) {
                    Optional<Customer> want = Optional.ofNullable(expected.get(id));
                    if (!got.map(Customer::canonical).equals(want)) {
                        staleReads.add(new StaleRead(System.nanoTime(), id, want, got));
                    }
                }
            }
            case SAVE -> {
                Instant previous = versions.getOrDefault(id, Instant.EPOCH);
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                Instant at = now.isAfter(previous) ? now : previous.plusMillis(1);
                List<String> tags = new ArrayList<>(TAGS);
                Collections.shuffle(tags, random);
                Customer c = new Customer(
                        id,
                        NAMES.get(random.nextInt(NAMES.size())) + " " + random.nextInt(1000),
                        TIERS.get(random.nextInt(TIERS.size())),
                        tags.subList(0, random.nextInt(TAGS.size() + 1)),
                        at);
                Customer stored = customers.save(c);
                if (!stored.canonical().equals(c.canonical())) {
                    throw new AssertionError("save returned " + stored + " for " + c);
                }
                versions.put(id, at);
                expected.put(id, stored.canonical());
            }
            case DELETE -> {
                customers.delete(id);
                expected.remove(id);
            }
            case LIST ->
                listed.add(customers
                        .listByTier(TIERS.get(random.nextInt(TIERS.size())))
                        .size());
        }
    }

    /** The rows the callers' acknowledged writes left, by id, tags sorted. Read after {@link #stop()} or in a pause. */
    Map<String, Customer> expected() {
        return new HashMap<>(expected);
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    List<Throwable> firstErrors() {
        return List.copyOf(firstErrors);
    }

    List<StaleRead> staleReads() {
        return List.copyOf(staleReads);
    }

    String summary() {
        return "calls " + ops() + " " + calls + "; finds found " + found + ", not found " + notFound
                + "; tier listings returned " + listed + " rows; caller-visible exceptions " + errors.size()
                + "; stale owner reads " + staleReads.size();
    }
}
