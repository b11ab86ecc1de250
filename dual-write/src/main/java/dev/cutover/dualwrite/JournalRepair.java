package dev.cutover.dualwrite;

import dev.cutover.dualwrite.internal.DualWriteHandler;
import dev.cutover.dualwrite.internal.LaneRepairs;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JournalEntry;
import dev.cutover.journal.RepairResult;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs the keys a dual-write proxy journaled, with the proxy's own two stores and the
 * repository interface's own methods: for each pending key it re-reads the authoritative store and
 * writes what it read to the other one. No adapter code: name a read, a write and optionally a
 * delete.
 *
 * <pre>{@code
 * RepairResult result = JournalRepair.of(orders, journal)   // orders: the proxy
 *     .read("findById")      // one entity by its key, on a store; null or Optional.empty() = absent
 *     .write("save")         // takes what the read returns (unwrapping Optional)
 *     .delete("deleteById")  // optional: without it, a key the authority lacks is skipped
 *     .run();
 * }</pre>
 *
 * <h2>Which entries, which direction</h2>
 *
 * One pass over the journal's pending entries, oldest first. The authoritative side of a key is the
 * one of the stage the proxy gives that key <em>now</em> ({@link DualWriteControl#stage}): old in
 * DUAL_WRITE and SHADOW, new in LIVE and RAMP_DOWN. An entry is left pending and counted
 * {@link RepairResult#skipped() skipped} when it is of another repository (not the proxy's
 * interface's simple name), has no key (that needs a full reconciliation), names the authoritative
 * side itself as its target, or its key's stage writes one store only (OLD_ONLY, NEW_ONLY: nothing
 * keeps a repaired copy current there; repair when the stage writes both again), or when the
 * authority lacks the key and no delete was given (absence is never guessed).
 *
 * <h2>Per key</h2>
 *
 * The read runs on the authoritative store and the write (or the delete, when the read found
 * nothing) on the other, both directly, never through the proxy's routing; then the authority is
 * read again. Journal keys are strings: the read and the delete take a {@code String} (or {@code
 * CharSequence}, {@code Object}), {@code long}/{@code Long}, {@code int}/{@code Integer} or
 * {@link UUID}, converted from it. The entries of a key are resolved only after its repair
 * succeeded ({@link RepairResult#upserted() upserted} or {@link RepairResult#deleted() deleted}).
 * Otherwise they stay pending: counted {@link RepairResult#failed() failed} (with the key in
 * {@link RepairResult#failedKeys()}) when a call threw, ran past the proxy's shadow budget, met the
 * repaired store's open circuit breaker, or the key could not be converted; counted
 * {@link RepairResult#keptNewer() keptNewer} (listed in {@link RepairResult#keptNewerKeys()}) when
 * the authority changed while the key was repaired. {@code alreadyCurrent} is not used: the
 * repaired store is not read.
 *
 * <h2>Concurrent writes</h2>
 *
 * A repair may run while the application writes through the proxy, and never leaves a store older
 * than the authority because a caller's write raced it. Each key's repair (read the authority,
 * write the other store) runs as one task on that key's shadow lane, where the proxy's shadow
 * writes of the key run one at a time in order. A caller's write either reached the authority
 * before the repair's read, so the repair copies it, or its shadow write is queued behind the
 * repair and lands last; a shadow write that misses re-journals the key with a newer id, which
 * stays pending however the old one is resolved. A stage flip during the repair that makes the
 * repaired store authoritative makes callers of that key wait for the repair (as for a shadow
 * write in flight, within the budget), or is seen by the repair before it reads, which then does
 * nothing. Writes made through <em>other</em> processes' proxies do not share this lane: the
 * repair's second read of the authority catches them, and an entry is resolved only when that read
 * still equals what was copied (by {@code equals} or the proxy's {@code Comparison}). A store call
 * that ignores the interrupt at the end of the budget may land late, as a late shadow write can;
 * reconciliation repairs that.
 *
 * <h2>Running it</h2>
 *
 * {@link Builder#run()} repairs one key at a time on the calling thread's behalf (the work runs on
 * the proxy's shadow threads; the thread waits) and returns when the pass is over. Run it with the
 * proxy that serves the application, or any open proxy over the same stores and flag. A closed
 * proxy has no shadow lanes to order the repair with: {@code run()} refuses it with an
 * {@link IllegalStateException}, and if the proxy closes during a pass the pass stops the same way
 * (entries resolved so far stay resolved; the rest stay pending). Not thread-safe; one pass per
 * builder at a time.
 *
 * @since 0.1.0
 */
public final class JournalRepair {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRepair.class);
    private static final int PAGE = 200;
    private static final int MAX_WARNED = 10;
    private static final Set<Class<?>> KEY_TYPES = Set.of(
            String.class,
            CharSequence.class,
            Object.class,
            long.class,
            Long.class,
            int.class,
            Integer.class,
            UUID.class);

    private JournalRepair() {}

    /**
     * Starts configuring a repair of the keys {@code proxy} journaled in {@code journal}.
     *
     * @param proxy a proxy built by {@link DualWrite.Builder#build()}
     * @param journal the journal the proxy appends to
     * @throws IllegalArgumentException when {@code proxy} is not a dual-write proxy
     */
    public static <R> Builder<R> of(R proxy, FailedWriteJournal journal) {
        Objects.requireNonNull(journal, "journal");
        DualWriteHandler handler = DualWrite.handler(proxy);
        return new Builder<>(proxy, handler, journal);
    }

    /**
     * Configures and runs a journal repair. Method names are checked when given; {@link #run()}
     * checks that the write takes what the read returns.
     *
     * @param <R> the repository interface
     * @since 0.1.0
     */
    public static final class Builder<R> {
        private final R proxy;
        private final DualWriteHandler handler;
        private final FailedWriteJournal journal;
        private final Class<?> repository;
        private @Nullable Method read;
        private @Nullable String writeName;
        private @Nullable Method delete;

        private Builder(R proxy, DualWriteHandler handler, FailedWriteJournal journal) {
            this.proxy = proxy;
            this.handler = handler;
            this.journal = journal;
            this.repository = proxy.getClass().getInterfaces()[0];
        }

        /**
         * The method that reads one entity by its key: one parameter, a key type (see the class
         * comment); returns the entity, null, or an {@link Optional}. Required.
         *
         * @throws IllegalArgumentException when the interface has no such method, or more than one
         */
        public Builder<R> read(String methodName) {
            Method m = keyMethod(methodName, "read");
            if (m.getReturnType() == void.class || m.getReturnType().isPrimitive()) {
                throw new IllegalArgumentException("read method " + describe(m) + " must return the entity, null or an"
                        + " Optional of it but returns " + m.getReturnType().getName());
            }
            this.read = m;
            return this;
        }

        /**
         * The method that writes an entity as the read returned it: one parameter that takes the read's
         * return type (its element type when that is an {@code Optional}). Required; checked against the
         * read by {@link #run()}.
         *
         * @throws IllegalArgumentException when the interface has no one-parameter method of that name
         */
        public Builder<R> write(String methodName) {
            Objects.requireNonNull(methodName, "write method name");
            if (candidates(methodName).isEmpty()) {
                throw new IllegalArgumentException(
                        repository.getSimpleName() + " has no one-parameter method '" + methodName + "' to write with");
            }
            this.writeName = methodName;
            return this;
        }

        /**
         * The method that deletes an entity by its key (one parameter, a key type; its result is
         * ignored), for keys the authority does not hold. Optional: without it such keys are skipped
         * and stay pending.
         *
         * @throws IllegalArgumentException when the interface has no such method, or more than one
         */
        public Builder<R> delete(String methodName) {
            this.delete = keyMethod(methodName, "delete");
            return this;
        }

        /**
         * Runs one pass over the pending entries.
         *
         * @throws IllegalStateException when the read or the write is not set, or the proxy is closed
         *     (or closes during the pass)
         * @throws IllegalArgumentException when the write does not take what the read returns
         * @throws InterruptedException when the thread is interrupted; entries of keys repaired so far
         *     are resolved
         * @throws Exception when the journal cannot be read or updated; failures of single keys are
         *     counted in the result instead
         */
        public RepairResult run() throws Exception {
            Method r = read;
            String w = writeName;
            if (r == null || w == null) {
                throw new IllegalStateException("JournalRepair of " + repository.getSimpleName() + " needs "
                        + (r == null ? "read(...) " : "") + (w == null ? "write(...) " : "") + "before run()");
            }
            Method write = writeMethod(w, entityType(r));
            LaneRepairs lanes = handler.laneRepairs();
            if (!lanes.isOpen()) {
                throw closed();
            }
            return new Pass(lanes, r, write, delete).run();
        }

        private IllegalStateException closed() {
            return new IllegalStateException(proxy + " is closed: a journal repair runs each key on the proxy's shadow"
                    + " lanes, which close with it; repair through an open proxy over the same stores");
        }

        private List<Method> candidates(String name) {
            List<Method> found = new ArrayList<>();
            for (Method m : repository.getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 1 && !Modifier.isStatic(m.getModifiers())) {
                    found.add(m);
                }
            }
            return found;
        }

        private Method keyMethod(String name, String what) {
            Objects.requireNonNull(name, what + " method name");
            List<Method> keyed = candidates(name).stream()
                    .filter(m -> KEY_TYPES.contains(m.getParameterTypes()[0]))
                    .toList();
            if (keyed.size() != 1) {
                throw new IllegalArgumentException(repository.getSimpleName() + " needs exactly one method '" + name
                        + "' with one parameter of a key type (String, long, Long, int, Integer, UUID) to " + what
                        + " with but has "
                        + (keyed.isEmpty()
                                ? "none"
                                : keyed.stream().map(Builder::describe).toList()));
            }
            return accessible(keyed.get(0));
        }

        private Method writeMethod(String name, Class<?> entity) {
            List<Method> fitting = candidates(name).stream()
                    .filter(m -> m.getParameterTypes()[0].isAssignableFrom(entity))
                    .toList();
            if (fitting.size() != 1) {
                throw new IllegalArgumentException(repository.getSimpleName() + " needs exactly one method '" + name
                        + "' with one parameter that takes " + entity.getName() + " (what the read returns) but has "
                        + (fitting.isEmpty()
                                ? "none"
                                : fitting.stream().map(Builder::describe).toList()));
            }
            return accessible(fitting.get(0));
        }

        private static Class<?> entityType(Method read) {
            if (read.getReturnType() != Optional.class) {
                return read.getReturnType();
            }
            Type t = read.getGenericReturnType();
            if (t instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
                return c;
            }
            if (t instanceof ParameterizedType p
                    && p.getActualTypeArguments()[0] instanceof ParameterizedType inner
                    && inner.getRawType() instanceof Class<?> c) {
                return c;
            }
            return Object.class;
        }

        private static Method accessible(Method m) {
            m.trySetAccessible();
            return m;
        }

        private static String describe(Method m) {
            return m.getName() + "(" + m.getParameterTypes()[0].getSimpleName() + ")";
        }

        /** One pass: pages of pending entries, grouped by key and target within a page. */
        private final class Pass {
            private final LaneRepairs lanes;
            private final Method readMethod;
            private final LaneRepairs.Plan toNew;
            private final LaneRepairs.Plan toOld;
            private final long waitNanos;
            private long keys;
            private long upserted;
            private long deleted;
            private long keptNewer;
            private long skipped;
            private long failed;
            private long resolved;
            private final List<String> keptNewerKeys = new ArrayList<>();
            private final List<String> failedKeys = new ArrayList<>();
            private int warned;

            Pass(LaneRepairs lanes, Method read, Method write, @Nullable Method delete) {
                this.lanes = lanes;
                this.readMethod = read;
                this.toNew = new LaneRepairs.Plan(Side.OLD, read, write, delete);
                this.toOld = new LaneRepairs.Plan(Side.NEW, read, write, delete);
                // a lane holds at most the shadow queue's tasks ahead, each bounded by the budget or shed
                this.waitNanos = Math.max(TimeUnit.SECONDS.toNanos(30), 20 * lanes.budgetNanos());
            }

            RepairResult run() throws Exception {
                String repo = handler.repository();
                long after = 0;
                while (true) {
                    List<JournalEntry> page = journal.pending(after, PAGE);
                    if (page.isEmpty()) {
                        break;
                    }
                    after = page.get(page.size() - 1).id();
                    Map<List<Object>, List<JournalEntry>> groups = new LinkedHashMap<>();
                    for (JournalEntry e : page) {
                        FailedWrite w = e.write();
                        groups.computeIfAbsent(
                                        Arrays.asList(w.repository(), w.entityKey(), w.target()),
                                        k -> new ArrayList<>())
                                .add(e);
                    }
                    List<Long> done = new ArrayList<>();
                    try {
                        for (List<JournalEntry> group : groups.values()) {
                            FailedWrite w = group.get(0).write();
                            keys++;
                            if (repair(w.repository(), w.entityKey(), w.target())) {
                                group.forEach(e -> done.add(e.id()));
                            }
                        }
                    } finally {
                        if (!done.isEmpty()) {
                            journal.resolve(done);
                            resolved += done.size();
                        }
                    }
                }
                RepairResult result = new RepairResult(
                        keys, upserted, deleted, 0, keptNewer, skipped, failed, resolved, keptNewerKeys, failedKeys);
                LOG.info("{}: journal repair pass done: {}", repo, result);
                return result;
            }

            /** Repairs one key; true when its entries may be resolved. */
            private boolean repair(String repository, @Nullable String key, FailedWrite.Target target)
                    throws InterruptedException {
                if (!repository.equals(handler.repository()) || key == null) {
                    skipped++;
                    return false;
                }
                Side side = target == FailedWrite.Target.NEW ? Side.NEW : Side.OLD;
                Stage stage = handler.control().stage(key);
                if (stage.authoritative() == side || !stage.shadowWrites()) {
                    skipped++;
                    return false;
                }
                LaneRepairs.Plan plan = side == Side.NEW ? toNew : toOld;
                Object argument;
                Object deleteArgument;
                try {
                    argument = convert(key, readMethod.getParameterTypes()[0]);
                    Method d = plan.delete();
                    deleteArgument = d == null ? null : convert(key, d.getParameterTypes()[0]);
                } catch (IllegalArgumentException e) {
                    fail(key, "the key cannot be converted to the read's parameter: " + e.getMessage());
                    return false;
                }
                LaneRepairs.Outcome o = lanes.repair(key, argument, deleteArgument, plan, waitNanos);
                switch (o.kind()) {
                    case WRITTEN -> upserted++;
                    case DELETED -> deleted++;
                    case ABSENT, MOVED -> skipped++;
                    case CHANGED -> {
                        keptNewer++;
                        if (keptNewerKeys.size() < RepairResult.MAX_LISTED) {
                            keptNewerKeys.add(key);
                        }
                    }
                    case FAILED -> fail(key, o.detail());
                    case CLOSED -> {
                        fail(key, o.detail());
                        throw closed();
                    }
                }
                return o.kind() == LaneRepairs.Kind.WRITTEN || o.kind() == LaneRepairs.Kind.DELETED;
            }

            private void fail(String key, @Nullable String why) {
                failed++;
                if (failedKeys.size() < RepairResult.MAX_LISTED) {
                    failedKeys.add(key);
                }
                if (warned++ < MAX_WARNED) {
                    LOG.warn(
                            "{}: journal repair of key {} failed ({}); its entries stay pending",
                            handler.repository(),
                            key,
                            why);
                }
            }
        }
    }

    /** The journal's string key as a method parameter of type {@code type}. */
    static Object convert(String key, Class<?> type) {
        if (type == long.class || type == Long.class) {
            try {
                return Long.parseLong(key);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a long: '" + key + "'");
            }
        }
        if (type == int.class || type == Integer.class) {
            try {
                return Integer.parseInt(key);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an int: '" + key + "'");
            }
        }
        if (type == UUID.class) {
            return UUID.fromString(key);
        }
        return key;
    }
}
