package dev.cutover.replication.integration;

import dev.cutover.replication.Change;
import dev.cutover.replication.spi.VersionedTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches a target while every path writes to it: reads each key over and over and records any
 * stored version lower than one read before (stored versions never decrease, tombstones included).
 *
 * <p>Concurrency: one daemon thread reads; its findings are read after {@link #stop()}, which
 * stops the thread and joins it (the join publishes them).
 */
final class VersionWatch implements AutoCloseable {
    private final VersionedTarget target;
    private final List<String> keys;
    private final Map<String, Long> seen = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int rounds;

    VersionWatch(VersionedTarget target, Set<String> keys) {
        this.target = target;
        this.keys = List.copyOf(keys);
        this.thread = new Thread(this::watch, "version-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        while (running) {
            for (String key : keys) {
                try {
                    long version = target.read(key).map(Change::version).orElse(0L);
                    Long before = seen.put(key, version);
                    if (before != null && version < before) {
                        violations.add(key + ": version " + before + " then " + version);
                    }
                } catch (Exception e) {
                    violations.add(key + ": read failed: " + e);
                }
            }
            rounds++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Stops watching and returns what was wrong (empty when versions never decreased). */
    List<String> stop() throws InterruptedException {
        running = false;
        thread.join();
        return List.copyOf(violations);
    }

    /** Rounds over every key so far; read after {@link #stop()}. */
    int rounds() {
        return rounds;
    }

    /** Stops watching, when a test failed before {@link #stop()}. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
