package dev.cutover.benchmarks.overload;

import static dev.cutover.benchmarks.overload.ShadowWriteOverload.us;

import com.sun.management.ThreadMXBean;
import dev.cutover.benchmarks.Account;
import dev.cutover.benchmarks.Accounts;
import dev.cutover.benchmarks.overload.ShadowWriteOverload.Latencies;
import dev.cutover.benchmarks.overload.ShadowWriteOverload.Settings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** One phase: the open-loop schedule run by the callers against one target. */
final class Phase {
    final String name;
    final int[] keys;
    final long[] startNanos;
    final long epochOffset;
    final long[] fromDue;
    final long[] service;
    final long[] lateStart;
    final long writes;
    final double seconds;
    final long callerBytes;

    private Phase(
            String name,
            int[] keys,
            long[] startNanos,
            long epochOffset,
            long[] fromDue,
            long[] service,
            long[] lateStart,
            double seconds,
            long callerBytes) {
        this.name = name;
        this.keys = keys;
        this.startNanos = startNanos;
        this.epochOffset = epochOffset;
        this.fromDue = fromDue;
        this.service = service;
        this.lateStart = lateStart;
        this.writes = fromDue.length;
        this.seconds = seconds;
        this.callerBytes = callerBytes;
    }

    /**
     * Runs {@code rate * length} writes: write {@code j} is due at {@code t0 + j / rate} and sent by
     * caller {@code j % callers}, which parks until it is due (or sends at once when late).
     */
    static Phase run(
            String name,
            Accounts target,
            Settings s,
            Duration length,
            String[] ids,
            AtomicLong sequence,
            KeyWindows windows,
            long seed,
            PrintStream log)
            throws InterruptedException {
        int n = (int) (s.rate() * length.toNanos() / 1_000_000_000L);
        double interval = 1e9 / s.rate();
        int[] keys = new int[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int j = 0; j < n; j++) {
            keys[j] = random.nextInt(ids.length);
        }
        long[] fromDue = new long[n];
        long[] service = new long[n];
        long[] lateStart = new long[n];
        long[] startNanos = new long[n];
        long[] bytes = new long[s.callers()];
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        CountDownLatch ready = new CountDownLatch(s.callers());
        CountDownLatch go = new CountDownLatch(1);
        long[] t0 = new long[1];
        long epochOffset = Instant.now().toEpochMilli() * 1_000_000L - System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int c = 0; c < s.callers(); c++) {
            int caller = c;
            Thread t = new Thread(
                    () -> {
                        ready.countDown();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        long allocated = mx.getCurrentThreadAllocatedBytes();
                        long start0 = t0[0];
                        try {
                            for (int j = caller; j < n; j += s.callers()) {
                                long due = start0 + (long) (j * interval);
                                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                                    LockSupport.parkNanos(wait);
                                }
                                long start = System.nanoTime();
                                int k = keys[j];
                                target.save(new Account(ids[k], "owner", sequence.incrementAndGet()));
                                long end = System.nanoTime();
                                fromDue[j] = end - due;
                                service[j] = end - start;
                                lateStart[j] = start - due;
                                startNanos[j] = start;
                            }
                        } catch (Throwable e) {
                            synchronized (failure) {
                                failure[0] = e;
                            }
                        }
                        bytes[caller] = mx.getCurrentThreadAllocatedBytes() - allocated;
                    },
                    "overload-caller-" + c);
            threads.add(t);
            t.start();
        }
        ready.await();
        Map<String, Long> cpuBefore = libraryCpu(mx);
        t0[0] = System.nanoTime() + 1_000_000L;
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - t0[0]) / 1e9;
        Map<String, Long> cpuAfter = libraryCpu(mx);
        StringBuilder cpu = new StringBuilder();
        cpuAfter.forEach((thread, nanos) -> {
            long used = nanos - cpuBefore.getOrDefault(thread, 0L);
            if (used > 0) {
                cpu.append(cpu.length() == 0 ? "" : ", ")
                        .append(thread)
                        .append(String.format(Locale.ROOT, " %.0f%%", 100.0 * used / 1e9 / seconds));
            }
        });
        if (failure[0] != null) {
            throw new IllegalStateException(name + ": a write threw", failure[0]);
        }
        Phase p = new Phase(
                name,
                keys,
                startNanos,
                epochOffset,
                fromDue,
                service,
                lateStart,
                seconds,
                Arrays.stream(bytes).sum());
        if (windows != null) {
            windows.add(p);
        }
        Latencies l = merge(name, List.of(p));
        log.printf(
                Locale.ROOT,
                "%s: %,d writes in %.2f s (%,.0f/s); from due p50 %s p99 %s p99.9 %s max %s;"
                        + " service p50 %s p99 %s p99.9 %s; started late p99 %s; caller bytes/write %.0f%n",
                name,
                n,
                seconds,
                n / seconds,
                us(l.p(l.fromDue(), 0.5)),
                us(l.p(l.fromDue(), 0.99)),
                us(l.p(l.fromDue(), 0.999)),
                us(l.fromDue()[l.fromDue().length - 1]),
                us(l.p(l.service(), 0.5)),
                us(l.p(l.service(), 0.99)),
                us(l.p(l.service(), 0.999)),
                us(l.p(l.lateStart(), 0.99)),
                l.callerBytesPerWrite());
        if (cpu.length() > 0) {
            log.println("  CPU of the proxy's own threads over the phase (% of one core): " + cpu);
        }
        return p;
    }

    /** CPU time so far of every live thread the proxy started ({@code cutover-*}), by name. */
    static Map<String, Long> libraryCpu(ThreadMXBean mx) {
        Map<String, Long> cpu = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("cutover-")) {
                long nanos = mx.getThreadCpuTime(t.getId());
                if (nanos > 0) {
                    cpu.merge(t.getName(), nanos, Long::sum);
                }
            }
        }
        return cpu;
    }

    static Latencies merge(String system, List<Phase> phases) {
        long[] fromDue = phases.stream()
                .flatMapToLong(p -> Arrays.stream(p.fromDue))
                .sorted()
                .toArray();
        long[] service = phases.stream()
                .flatMapToLong(p -> Arrays.stream(p.service))
                .sorted()
                .toArray();
        long[] late = phases.stream()
                .flatMapToLong(p -> Arrays.stream(p.lateStart))
                .sorted()
                .toArray();
        long writes = phases.stream().mapToLong(p -> p.writes).sum();
        double seconds = phases.stream().mapToDouble(p -> p.seconds).sum();
        long bytes = phases.stream().mapToLong(p -> p.callerBytes).sum();
        return new Latencies(system, fromDue, service, late, writes, writes / seconds, (double) bytes / writes);
    }
}
