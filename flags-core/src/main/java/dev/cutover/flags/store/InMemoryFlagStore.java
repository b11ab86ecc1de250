package dev.cutover.flags.store;

import dev.cutover.flags.Flag;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.AuditPage;
import dev.cutover.flags.spi.AuditRecord;
import dev.cutover.flags.spi.ChangeHintListener;
import dev.cutover.flags.spi.ChangeHints;
import dev.cutover.flags.spi.FlagWriteConflictException;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.flags.spi.WritableFlagStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A complete {@link WritableFlagStore} in memory: compare-and-set writes, a monotonic revision,
 * audit history and synchronous push hints; it also holds the instances' {@link Heartbeat}s. For
 * tests, demos and single-process use.
 *
 * <p>Thread-safe: every operation holds the store's monitor briefly; push hints are delivered after
 * the monitor is released.
 *
 * <pre>{@code
 * InMemoryFlagStore store = new InMemoryFlagStore();
 * store.put(Flag.booleanFlag("orders.new-checkout", true), 0, new AuditInfo("alice", "launch"));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class InMemoryFlagStore implements WritableFlagStore, HeartbeatStore {
    private static final Logger LOG = LoggerFactory.getLogger(InMemoryFlagStore.class);

    private final Clock clock;
    private final Map<String, RawFlag> flags = new HashMap<>();
    private final Map<String, List<AuditRecord>> history = new HashMap<>();
    /** The last version each key ever had, so a re-created flag continues above a deleted one. */
    private final Map<String, Long> lastVersions = new HashMap<>();

    /** Heartbeats by service and instance; never touch the revision or push hints. */
    private final Map<String, Heartbeat> heartbeats = new HashMap<>();

    private final ChangeHints hints = new ChangeHints("in-memory");
    private long revision;

    /** A store on the system UTC clock. */
    public InMemoryFlagStore() {
        this(Clock.systemUTC());
    }

    /** A store whose audit timestamps come from {@code clock}. */
    public InMemoryFlagStore(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized StoreSnapshot load() {
        return new StoreSnapshot(revision, new ArrayList<>(flags.values()));
    }

    @Override
    public synchronized long headRevision() {
        return revision;
    }

    @Override
    public Subscription subscribe(ChangeHintListener listener) {
        Objects.requireNonNull(listener, "listener");
        hints.add(listener);
        return () -> hints.remove(listener);
    }

    @Override
    public synchronized Optional<RawFlag> get(String key) {
        return Optional.ofNullable(flags.get(key));
    }

    @Override
    public Flag put(Flag flag, long expectedVersion, AuditInfo audit) {
        Objects.requireNonNull(flag, "flag");
        Objects.requireNonNull(audit, "audit");
        Flag stored;
        synchronized (this) {
            RawFlag current = flags.get(flag.key());
            long actual = current == null ? 0 : current.version();
            if (actual != expectedVersion) {
                throw new FlagWriteConflictException(flag.key(), expectedVersion, actual);
            }
            Instant now = clock.instant();
            long version = Math.max(actual, lastVersions.getOrDefault(flag.key(), 0L)) + 1;
            lastVersions.put(flag.key(), version);
            stored = flag.toBuilder()
                    .version(version)
                    .updatedAt(now)
                    .updatedBy(audit.actor())
                    .build();
            revision++;
            String json = stored.toJson();
            flags.put(flag.key(), new RawFlag(flag.key(), stored.version(), json));
            record(flag.key(), stored.version(), audit, current == null ? null : current.json(), json, now);
        }
        hint();
        return stored;
    }

    @Override
    public void delete(String key, long expectedVersion, AuditInfo audit) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(audit, "audit");
        synchronized (this) {
            RawFlag current = flags.get(key);
            long actual = current == null ? 0 : current.version();
            if (current == null || actual != expectedVersion) {
                throw new FlagWriteConflictException(key, expectedVersion, actual);
            }
            revision++;
            flags.remove(key);
            record(key, actual, audit, current.json(), null, clock.instant());
        }
        hint();
    }

    /**
     * Stores a raw document as it is, without validation, version check or audit: for tests that
     * need malformed data in the store. The version is one above the current one.
     */
    public void putRaw(String key, String json) {
        synchronized (this) {
            RawFlag current = flags.get(key);
            long version = Math.max(current == null ? 0 : current.version(), lastVersions.getOrDefault(key, 0L)) + 1;
            lastVersions.put(key, version);
            revision++;
            flags.put(key, new RawFlag(key, version, json));
        }
        hint();
    }

    @Override
    public synchronized AuditPage history(String key, @Nullable String pageToken, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1 but was " + pageSize);
        }
        List<AuditRecord> all = history.getOrDefault(key, List.of());
        int start = 0;
        if (pageToken != null) {
            try {
                start = Integer.parseInt(pageToken);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid page token '" + pageToken + "'", e);
            }
        }
        // history is kept oldest first; pages are served newest first
        List<AuditRecord> page = new ArrayList<>();
        for (int i = all.size() - 1 - start; i >= 0 && page.size() < pageSize; i--) {
            page.add(all.get(i));
        }
        int next = start + page.size();
        return new AuditPage(page, next < all.size() ? Integer.toString(next) : null);
    }

    @Override
    public String describe() {
        return "in-memory";
    }

    @Override
    public void createHeartbeatTableIfMissing() {}

    @Override
    public synchronized void putHeartbeat(Heartbeat heartbeat) {
        heartbeats.put(heartbeatKey(heartbeat.service(), heartbeat.instance()), heartbeat);
    }

    @Override
    public synchronized List<Heartbeat> heartbeats(Instant now) {
        List<Heartbeat> live = new ArrayList<>();
        for (Heartbeat h : heartbeats.values()) {
            if (h.expiresAt().isAfter(now)) {
                live.add(h);
            }
        }
        return live;
    }

    @Override
    public synchronized void removeHeartbeat(String service, String instance) {
        heartbeats.remove(heartbeatKey(service, instance));
    }

    @Override
    public synchronized int removeExpiredHeartbeats(Instant now) {
        int before = heartbeats.size();
        heartbeats.values().removeIf(h -> !h.expiresAt().isAfter(now));
        return before - heartbeats.size();
    }

    private static String heartbeatKey(String service, String instance) {
        return Heartbeat.checkName("service", service) + '\n' + Heartbeat.checkName("instance", instance);
    }

    private void record(
            String key, long version, AuditInfo audit, @Nullable String before, @Nullable String after, Instant at) {
        history.computeIfAbsent(key, k -> new ArrayList<>())
                .add(new AuditRecord(key, version, audit.actor(), audit.reason(), before, after, at, revision));
    }

    private void hint() {
        hints.fire();
    }
}
