package dev.cutover.openfeature.internal;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagChangeEvent;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.DaemonThreads;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.ProviderEventDetails;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link FlagClient}'s flag changes and health into OpenFeature provider events.
 *
 * <p><b>Design.</b> Everything that emits runs on one daemon thread owned by this monitor, so the
 * events leave in the order they were decided, and {@link Emitter#emit} may block until the SDK has
 * taken an event without delaying the client's refresher or notification threads. Those threads only
 * record what happened and ask for a run:
 *
 * <ul>
 *   <li>Flag changes: the client's change listener adds the key to a pending set; one drain task
 *       emits {@link ProviderEvent#PROVIDER_CONFIGURATION_CHANGED} with every key pending by then,
 *       so the keys of one refresh usually travel in one event, each key at least once.
 *   <li>Health: the client's {@link ClientStatus} is read after each refresh cycle (told by
 *       {@link FlagClient#onStatus}), after each change, and every {@link #CHECK_INTERVAL} as a
 *       safety net for transitions that happen between refreshes (a closed client, a
 *       snapshot ageing past its limit). It is mapped to READY, STALE, ERROR or FATAL, and an
 *       event is emitted only when that differs from the last one reported, starting from the
 *       state the SDK set after {@code initialize}.
 * </ul>
 *
 * <p>FATAL (the client was closed) is final: the monitor stops after reporting it. {@link #close()}
 * unregisters from the client and stops the thread; it is idempotent.
 */
public final class StatusMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatusMonitor.class);

    /** How often the client's status is read when nothing else asks for it. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    /** Delivers one event to the OpenFeature SDK, returning once the SDK has taken it. */
    @FunctionalInterface
    public interface Emitter {
        /** Emits one event. */
        void emit(ProviderEvent event, ProviderEventDetails details);
    }

    /** The provider states this monitor reports, in OpenFeature terms. */
    public enum Reported {
        /** The client serves a snapshot the store confirmed lately. */
        READY,
        /** The client serves data the store could not confirm lately (or a backup file). */
        STALE,
        /** The client serves code defaults. */
        ERROR,
        /** The client is closed. */
        FATAL
    }

    private final FlagClient client;
    private final Emitter emitter;
    private final ScheduledThreadPoolExecutor thread;
    private final Set<String> pendingKeys = new LinkedHashSet<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicBoolean checkQueued = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;
    private long pendingRevision;
    /** Written on the monitor thread only, and by {@link #start} before that thread reads it. */
    private volatile Reported reported = Reported.READY;

    private Subscription changes = Subscription.NONE;
    private Subscription refreshes = Subscription.NONE;

    /** A monitor of {@code client} that emits through {@code emitter}; nothing runs before start. */
    public StatusMonitor(FlagClient client, Emitter emitter) {
        this.client = client;
        this.emitter = emitter;
        this.thread = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("cutover-openfeature-events"));
        this.thread.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts watching, taking {@code initial} as the state last reported. Only the first call has an
     * effect.
     */
    public void start(Reported initial) {
        if (closed || !started.compareAndSet(false, true)) {
            return;
        }
        reported = initial;
        changes = client.onAnyChange(this::onChange);
        try {
            refreshes = client.onStatus(status -> requestCheck());
        } catch (RuntimeException e) {
            // another FlagClient implementation: the periodic check below still covers every transition
            LOG.debug("The flag client offers no status listener; checking every {}", CHECK_INTERVAL, e);
        }
        long every = CHECK_INTERVAL.toMillis();
        try {
            thread.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("monitor closed while starting");
        }
        requestCheck();
    }

    private void onChange(FlagChangeEvent event) {
        synchronized (pendingKeys) {
            pendingKeys.add(event.key());
            pendingRevision = Math.max(pendingRevision, event.revision());
        }
        if (drainQueued.compareAndSet(false, true)) {
            submit(this::drain, drainQueued);
        }
    }

    private void requestCheck() {
        if (checkQueued.compareAndSet(false, true)) {
            submit(this::check, checkQueued);
        }
    }

    private void submit(Runnable task, AtomicBoolean queued) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            queued.set(false); // closed
        }
    }

    private void drain() {
        drainQueued.set(false);
        List<String> keys;
        long revision;
        synchronized (pendingKeys) {
            keys = new ArrayList<>(pendingKeys);
            revision = pendingRevision;
            pendingKeys.clear();
        }
        if (keys.isEmpty() || closed) {
            return;
        }
        emit(
                ProviderEvent.PROVIDER_CONFIGURATION_CHANGED,
                ProviderEventDetails.builder()
                        .flagsChanged(keys)
                        .message(keys.size() + " flag(s) changed at revision " + revision)
                        .eventMetadata(ImmutableMetadata.builder()
                                .addLong(EvaluationMapper.REVISION, revision)
                                .build())
                        .build());
        check(); // a change means the store answered: report a recovery right after it
    }

    private void check() {
        checkQueued.set(false);
        if (closed || reported == Reported.FATAL) {
            return;
        }
        ClientStatus status;
        try {
            status = client.status();
        } catch (RuntimeException e) {
            LOG.warn("Reading the flag client's status failed; will retry: {}", e.toString());
            return;
        }
        Reported now = map(status.state());
        if (now == null || now == reported) {
            return;
        }
        reported = now;
        emit(event(now), details(now, status));
    }

    private static @Nullable Reported map(ClientStatus.State state) {
        return switch (state) {
            case READY -> Reported.READY;
            case STALE -> Reported.STALE;
            case FAILED -> Reported.ERROR;
            case CLOSED -> Reported.FATAL;
            case STARTING -> null; // only inside FlagClient.build(); nothing to report yet
        };
    }

    private static ProviderEvent event(Reported state) {
        return switch (state) {
            case READY -> ProviderEvent.PROVIDER_READY;
            case STALE -> ProviderEvent.PROVIDER_STALE;
            case ERROR, FATAL -> ProviderEvent.PROVIDER_ERROR;
        };
    }

    /** The event details for a status: a message, and the client's state, source and revision. */
    public static ProviderEventDetails details(Reported state, ClientStatus status) {
        ProviderEventDetails.ProviderEventDetailsBuilder<?, ?> b = ProviderEventDetails.builder()
                .message(message(status))
                .eventMetadata(ImmutableMetadata.builder()
                        .addString("state", status.state().name())
                        .addString("source", status.source().name())
                        .addLong(EvaluationMapper.REVISION, status.revision())
                        .build());
        if (state == Reported.FATAL) {
            b.errorCode(ErrorCode.PROVIDER_FATAL);
        } else if (state == Reported.ERROR) {
            b.errorCode(status.lastSuccess() == null ? ErrorCode.PROVIDER_NOT_READY : ErrorCode.GENERAL);
        }
        return b.build();
    }

    private static String message(ClientStatus s) {
        String cause = s.lastError() == null ? "" : "; last store error: " + s.lastError();
        return switch (s.state()) {
            case READY -> "serving revision " + s.revision() + " (" + s.flagCount() + " flags) from the store";
            case STALE ->
                "serving revision " + s.revision() + " from " + s.source() + ", not confirmed by the store for "
                        + s.snapshotAge() + cause;
            case FAILED -> "serving code defaults" + cause;
            case CLOSED -> "the flag client is closed; nothing refreshes any more";
            case STARTING -> "the flag client is starting";
        };
    }

    private void emit(ProviderEvent event, ProviderEventDetails details) {
        try {
            emitter.emit(event, details);
        } catch (RuntimeException e) {
            LOG.warn("Emitting {} failed: {}", event, e.toString());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        changes.close();
        refreshes.close();
        thread.shutdownNow();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The OpenFeature event thread did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
