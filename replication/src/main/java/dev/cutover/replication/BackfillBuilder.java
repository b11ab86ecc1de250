package dev.cutover.replication;

import dev.cutover.replication.internal.backfill.BackfillPacer;
import dev.cutover.replication.internal.backfill.BackfillSettings;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.replication.spi.VersionedTarget;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Configures a {@link Backfill}. Each setting is checked when set, naming a bad value; {@link
 * #build()} checks the settings against each other.
 *
 * <pre>{@code
 * Backfill backfill = Backfill.from(source).to(target)
 *     .transform(RowTransform.of(row -> Optional.of(row.withKey(row.key().trim()))))
 *     .workers(2)
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class BackfillBuilder {
    /** Names: a letter or digit, then up to 63 letters, digits, {@code _ . -}. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** Largest page. */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** Most workers per process. */
    public static final int MAX_WORKERS = 64;
    /** Shortest lease. */
    public static final Duration MIN_LEASE = Duration.ofMillis(100);
    /** Longest owner, in {@code char}s. */
    public static final int MAX_OWNER_LENGTH = 200;

    private final SegmentedSource source;
    private final VersionedTarget target;
    private String name = "backfill";
    private RowTransform transform = RowTransform.identity();
    private @Nullable UnaryOperator<String> normalizer;
    private int collisionTracking = 1_000_000;
    private int batchSize = 500;
    private int workers = 1;
    private @Nullable RateLimiter rateLimiter;
    private double rowsPerSecond;
    private @Nullable CheckpointStore checkpoints;
    private String owner = defaultOwner();
    private Duration lease = Duration.ofMinutes(2);
    private BackfillListener listener = new BackfillListener() {};
    private long estimatedRows = -1;

    BackfillBuilder(SegmentedSource source, VersionedTarget target) {
        this.source = source;
        this.target = target;
    }

    static String defaultOwner() {
        String host = System.getenv("HOSTNAME");
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return (host == null || host.isBlank() ? "process" : host.strip()) + "-"
                + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
    }

    /** The name in logs and metrics; default {@code backfill}. Must match {@link #NAME}. */
    public BackfillBuilder name(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must match " + NAME.pattern() + " but was '" + name + "'");
        }
        this.name = name;
        return this;
    }

    /** Maps each source row to what the target gets, or rejects it; default: unchanged. */
    public BackfillBuilder transform(RowTransform transform) {
        this.transform = Objects.requireNonNull(transform, "transform");
        return this;
    }

    /**
     * Normalizes each key after the transform (for example Unicode NFC, zero-width characters
     * stripped, trimmed). A key normalizer that throws, returns null, or returns an empty or too
     * long key rejects the row. Two old keys that end as one new key are reported as a
     * {@link BackfillCollision}, and only the first is applied.
     */
    public BackfillBuilder normalizeKeys(UnaryOperator<String> normalizer) {
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        return this;
    }

    /**
     * How many new keys the collision check remembers (with their old key), per run; default
     * 1,000,000 (about 100 to 200 bytes each). Beyond it, keys are still checked against those
     * held but no more are added, and the result says so. 0 turns the check off. The check sees
     * one process's run only: to rule out collisions across processes and resumed runs, scan the
     * old keys for them before the backfill.
     */
    public BackfillBuilder collisionTracking(int maxKeys) {
        if (maxKeys < 0) {
            throw new IllegalArgumentException("collisionTracking must be >= 0 but was " + maxKeys);
        }
        this.collisionTracking = maxKeys;
        return this;
    }

    /** Rows per page, read, applied and checkpointed together; default 500, at most {@value #MAX_BATCH_SIZE}. */
    public BackfillBuilder batchSize(int rows) {
        if (rows < 1 || rows > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batchSize must be 1 to " + MAX_BATCH_SIZE + " but was " + rows);
        }
        this.batchSize = rows;
        return this;
    }

    /** Segments copied in parallel by this process; default 1, at most {@value #MAX_WORKERS}. */
    public BackfillBuilder workers(int threads) {
        if (threads < 1 || threads > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be 1 to " + MAX_WORKERS + " but was " + threads);
        }
        this.workers = threads;
        return this;
    }

    /** At most this many rows per second, over all of this process's workers; default unlimited. */
    public BackfillBuilder rateLimit(double rowsPerSecond) {
        if (!(rowsPerSecond > 0) || Double.isInfinite(rowsPerSecond)) {
            throw new IllegalArgumentException(
                    "rateLimit must be a positive number of rows per second but was " + rowsPerSecond);
        }
        this.rowsPerSecond = rowsPerSecond;
        this.rateLimiter = null;
        return this;
    }

    /** Paces rows (one permit each) through your own limiter, for example one shared by several backfills. */
    public BackfillBuilder rateLimiter(RateLimiter limiter) {
        this.rateLimiter = Objects.requireNonNull(limiter, "limiter");
        this.rowsPerSecond = 0;
        return this;
    }

    /** Where segments are claimed and checkpointed; default a new {@link InMemoryCheckpointStore}. */
    public BackfillBuilder checkpoints(CheckpointStore store) {
        this.checkpoints = Objects.requireNonNull(store, "checkpoints");
        return this;
    }

    /**
     * Who this process is to the checkpoint store: unique among live processes, and the same
     * after a restart to take its segments back at once (a pod name). Default: host name, process
     * id and a random suffix.
     */
    public BackfillBuilder owner(String owner) {
        this.owner = checkOwner(owner);
        return this;
    }

    /** {@code owner}, checked: 1 to {@link #MAX_OWNER_LENGTH} characters, not blank, no control characters. */
    static String checkOwner(String owner) {
        Objects.requireNonNull(owner, "owner");
        if (owner.isBlank()
                || owner.length() > MAX_OWNER_LENGTH
                || owner.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("owner must be 1 to " + MAX_OWNER_LENGTH
                    + " characters, not blank, without control characters, but was '" + owner + "'");
        }
        return owner;
    }

    /**
     * How long a claim on a segment lasts without a checkpoint; default 2 minutes, at least 100 ms.
     * Each saved page renews it. Another process takes a segment over once its lease expired, so
     * choose it far longer than a page takes, and than the clock skew between processes.
     */
    public BackfillBuilder lease(Duration lease) {
        this.lease = checkLease(lease);
        return this;
    }

    /** {@code lease}, checked: {@link #MIN_LEASE} to 24 hours. */
    static Duration checkLease(Duration lease) {
        Objects.requireNonNull(lease, "lease");
        if (lease.compareTo(MIN_LEASE) < 0 || lease.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("lease must be " + MIN_LEASE + " to PT24H but was " + lease);
        }
        return lease;
    }

    /** Hears progress, rejections, collisions and lost leases; default none. */
    public BackfillBuilder listener(BackfillListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** How many rows the source holds, roughly, for an ETA by rows; default: ask the source. */
    public BackfillBuilder estimatedRows(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("estimatedRows must be >= 0 but was " + rows);
        }
        this.estimatedRows = rows;
        return this;
    }

    /**
     * Builds the backfill; touches no store.
     *
     * @throws IllegalArgumentException when the lease is shorter than three pages of every worker
     *     at the rate limit (a page waits for the rate limit before its checkpoint renews the lease)
     */
    public Backfill build() {
        RateLimiter limiter =
                rowsPerSecond > 0 ? BackfillPacer.limiter("backfill-" + name, rowsPerSecond) : rateLimiter;
        if (limiter != null) {
            double rate = BackfillPacer.rowsPerSecond(limiter);
            double pageSeconds = (double) workers * batchSize / rate;
            Duration needed = Duration.ofMillis((long) Math.ceil(3 * pageSeconds * 1000));
            if (lease.compareTo(needed) < 0) {
                throw new IllegalArgumentException("lease " + lease + " is too short for pages of " + batchSize
                        + " rows by " + workers + " workers at " + rate + " rows/s: at least " + needed
                        + "; shorten batchSize or lengthen the lease");
            }
        }
        CheckpointStore store = checkpoints != null ? checkpoints : new InMemoryCheckpointStore();
        return new Backfill(new BackfillSettings(
                name,
                source,
                target,
                transform,
                normalizer,
                collisionTracking,
                batchSize,
                workers,
                limiter,
                store,
                owner,
                lease,
                listener,
                estimatedRows));
    }
}
