package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.fleet.FleetView;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.WritableFlagStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@code --wait-fleet}: after a write, waits until every live instance reports the store's new
 * revision through {@link FleetView#awaitRevision}, printing progress on standard error.
 *
 * <p>Before the write, {@link #prepare} reads the heartbeats once and refuses (nothing written) a
 * store that keeps none, cannot be read, or has no live instance to wait for: such a wait could
 * only fail. After the write, {@link #await} reads the store's head revision (the write's own, or a
 * later one if another write followed at once) and waits at most the timeout, counted from the
 * scheduled instant when the write has one; {@link #finish} reports the outcome. A failed wait
 * never undoes the write, and says so.
 */
final class FleetWait {
    /** How long one {@link FleetView#awaitRevision} call lasts before progress is looked at. */
    static final Duration CHUNK = Duration.ofSeconds(1);

    /** How often the fleet is read while waiting. */
    static final Duration READ_EVERY = Duration.ofMillis(500);

    /** A progress line repeats, when nothing changed, this often. */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    /** At most this many instances named in one progress line. */
    private static final int PROGRESS_NAMES = 5;

    private static final String KEPT = "the write is kept: a failed wait never undoes it";

    private final Duration timeout;
    private final @Nullable String service;
    private final WritableFlagStore flags;
    private final FlagStoreOptions.Location at;
    private final FleetView view;

    private FleetWait(
            Duration timeout,
            @Nullable String service,
            WritableFlagStore flags,
            FlagStoreOptions.Location at,
            FleetView view) {
        this.timeout = timeout;
        this.service = service;
        this.flags = flags;
        this.at = at;
        this.view = view;
    }

    /**
     * Before the write: the store keeps heartbeats, they can be read, and at least one instance (of
     * the service) is live; otherwise an error that says nothing was written.
     */
    static FleetWait prepare(WritableFlagStore flags, FleetWaitOptions options, FlagStoreOptions.Location at) {
        String nothing = "; nothing was written";
        HeartbeatStore store = Fleets.heartbeatStore(flags, at, ", which --wait-fleet reads" + nothing);
        FleetView view = FleetView.of(store);
        List<FleetView.Instance> now = Fleets.instances(view, options.service, flags, at, nothing);
        List<FleetView.Instance> missed = now.stream().filter(i -> !i.live()).toList();
        if (now.size() == missed.size()) {
            throw new CliException(
                    Exit.REFUSED,
                    "--wait-fleet: no live instance" + of(options.service) + " reports heartbeats to the flag store at "
                            + at.describe()
                            + (missed.isEmpty()
                                    ? ""
                                    : " (" + missed.size() + " missed their heartbeats: " + Fleets.names(missed, 10)
                                            + ")")
                            + ", so nothing could confirm the write; nothing was written. Start the services'"
                            + " heartbeats (FleetHeartbeat), check --fleet-service ('cutover fleet' lists the"
                            + " services), or leave out --wait-fleet");
        }
        return new FleetWait(Objects.requireNonNull(options.timeout), options.service, flags, at, view);
    }

    /**
     * How a wait ended.
     *
     * @param reading the last reading of the fleet, or null when none succeeded
     * @param revision the revision waited for (0 when it could not be read)
     * @param effectiveAt the instant waited for, or null
     * @param error why the fleet could not be read, or null
     * @param waited how long the wait took
     */
    record Outcome(
            FleetView.@Nullable Wait reading,
            long revision,
            @Nullable Instant effectiveAt,
            @Nullable String error,
            Duration waited) {
        boolean reached() {
            return error == null && reading != null && reading.reached();
        }
    }

    /**
     * After the write: waits for the store's head revision on every live instance and, when {@code
     * effectiveAt} is given, for that instant; progress goes to {@code err}.
     */
    Outcome await(@Nullable Instant effectiveAt, PrintWriter err) {
        long started = System.nanoTime();
        long revision;
        try {
            revision = flags.headRevision();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, 0, effectiveAt, "interrupted", since(started));
        } catch (Exception e) {
            return new Outcome(
                    null,
                    0,
                    effectiveAt,
                    "cannot read the store's revision after the write: " + Errors.describe(e),
                    since(started));
        }
        Instant now = Instant.now();
        boolean scheduled = effectiveAt != null && effectiveAt.isAfter(now);
        Instant deadline = (scheduled ? Objects.requireNonNull(effectiveAt) : now).plus(timeout);
        err.println("waiting up to " + Timeouts.show(timeout) + (scheduled ? " after " + effectiveAt : "")
                + " for every live instance" + of(service) + " to hold revision " + revision);
        err.flush();
        FleetView.Wait last = null;
        String error = null;
        String shown = null;
        long shownAt = System.nanoTime();
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            Duration chunk = left.isNegative() ? Duration.ZERO : left.compareTo(CHUNK) < 0 ? left : CHUNK;
            try {
                last = view.awaitRevision(revision, effectiveAt, service, chunk, READ_EVERY);
                error = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
                break;
            } catch (Exception e) {
                error = Fleets.unreadable(e, flags, at, "").getMessage();
            }
            if (error == null && last.reached()) {
                break;
            }
            String line = error != null ? "  " + error : progress(last);
            if (!line.equals(shown) || System.nanoTime() - shownAt >= PROGRESS_EVERY.toNanos()) {
                err.println(line);
                err.flush();
                shown = line;
                shownAt = System.nanoTime();
            }
            if (!Instant.now().isBefore(deadline)) {
                break;
            }
        }
        return new Outcome(last, revision, effectiveAt, error, since(started));
    }

    /** One progress line: how many hold the revision, who is behind, who missed. */
    private static String progress(FleetView.Wait w) {
        int live = w.holding().size() + w.laggards().size();
        StringBuilder b = new StringBuilder("  ")
                .append(w.holding().size())
                .append(" of ")
                .append(live)
                .append(live == 1 ? " live instance holds" : " live instances hold")
                .append(" revision ")
                .append(w.revision());
        if (!w.laggards().isEmpty()) {
            b.append("; behind: ")
                    .append(w.laggards().stream()
                            .limit(PROGRESS_NAMES)
                            .map(i -> Fleets.name(i) + " (revision "
                                    + i.heartbeat().revision() + ")")
                            .collect(Collectors.joining(", ")));
            if (w.laggards().size() > PROGRESS_NAMES) {
                b.append(" and ").append(w.laggards().size() - PROGRESS_NAMES).append(" more");
            }
        } else if (w.effectiveAt() != null && live > 0) {
            b.append("; the change takes effect at ").append(w.effectiveAt());
        }
        if (!w.missed().isEmpty()) {
            b.append("; missed (not waited for): ").append(Fleets.names(w.missed(), PROGRESS_NAMES));
        }
        return b.toString();
    }

    /**
     * Reports the outcome: under {@code -o json} as the {@code fleet} member of {@code written}
     * (the write's own document, printed now), else in text; returns the exit code: 0 when reached,
     * 6 when not, 1 when the fleet could not be read.
     */
    int finish(StoreCommand cmd, Outcome o, @Nullable ObjectNode written) {
        String message = message(o);
        if (cmd.output.json()) {
            ObjectNode root = written != null ? written : Json.object();
            root.set("fleet", json(o, message));
            Json.print(cmd.out(), root);
        } else if (o.reached()) {
            cmd.out().println(message);
            FleetView.Wait w = Objects.requireNonNull(o.reading());
            if (!w.missed().isEmpty()) {
                cmd.out()
                        .println("  missed their heartbeats (not waited for; look at them): "
                                + Fleets.phrases(w.missed(), 20));
            }
            cmd.out().flush();
        } else {
            PrintWriter err = cmd.spec.commandLine().getErr();
            err.println("error: " + message);
            FleetView.Wait w = o.reading();
            if (w != null) {
                if (!w.laggards().isEmpty()) {
                    err.println("  behind: " + Fleets.phrases(w.laggards(), 50));
                }
                if (!w.missed().isEmpty()) {
                    err.println("  missed their heartbeats (not waited for): " + Fleets.phrases(w.missed(), 50));
                }
                if (!w.holding().isEmpty()) {
                    err.println("  holding revision " + w.revision() + ": " + Fleets.names(w.holding(), 50));
                }
            }
            err.flush();
        }
        if (o.reached()) {
            return Exit.OK;
        }
        return o.error() != null ? Exit.FAILED : Exit.DIFFERENCES;
    }

    /** The outcome in one sentence. */
    private String message(Outcome o) {
        FleetView.Wait w = o.reading();
        String waited = Timeouts.show(o.waited());
        if (o.reached()) {
            Objects.requireNonNull(w);
            String services = w.holding().stream()
                    .collect(Collectors.groupingBy(
                            i -> i.heartbeat().service(), java.util.TreeMap::new, Collectors.counting()))
                    .entrySet()
                    .stream()
                    .map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining(", "));
            int n = w.holding().size();
            return "fleet holds revision " + o.revision() + ": "
                    + (n == 1
                            ? "the only live instance"
                            : n == 2 ? "both live instances" : "all " + n + " live instances")
                    + of(service)
                    + (service == null ? " (" + services + ")" : "") + " in " + waited
                    + (o.effectiveAt() != null ? "; the change took effect at " + o.effectiveAt() : "");
        }
        if (o.error() != null) {
            return "the fleet could not be read, so revision " + (o.revision() == 0 ? "?" : o.revision())
                    + " is not confirmed: " + o.error() + "; " + KEPT;
        }
        Objects.requireNonNull(w);
        if (w.holding().isEmpty() && w.laggards().isEmpty()) {
            return "no live instance" + of(service) + " reported heartbeats at the end of the wait (" + waited
                    + "), so nothing confirms revision " + o.revision()
                    + (w.missed().isEmpty() ? "" : "; " + w.missed().size() + " missed their heartbeats") + "; "
                    + KEPT;
        }
        if (w.laggards().isEmpty()) {
            return "every live instance" + of(service) + " holds revision " + o.revision()
                    + " but the change takes effect only at " + o.effectiveAt() + ", after the wait ended; " + KEPT;
        }
        return "the fleet did not hold revision " + o.revision() + " within " + Timeouts.show(timeout)
                + (o.effectiveAt() != null ? " after " + o.effectiveAt() : "") + ": "
                + w.laggards().size() + " of "
                + (w.laggards().size() + w.holding().size()) + " live instances behind ("
                + Fleets.names(w.laggards(), 10) + "); " + KEPT;
    }

    private ObjectNode json(Outcome o, String message) {
        ObjectNode fleet = Json.object()
                .put("reached", o.reached())
                .put("revision", o.revision())
                .put(
                        "effectiveAt",
                        o.effectiveAt() == null ? null : o.effectiveAt().toString())
                .put("service", service)
                .put("timeoutMillis", timeout.toMillis())
                .put("waitedMillis", o.waited().toMillis())
                .put("writeKept", true)
                .put("error", o.error())
                .put("message", message);
        FleetView.Wait w = o.reading();
        List<FleetView.Instance> none = List.of();
        Fleets.json(fleet.putArray("holding"), w == null ? none : w.holding(), o.revision());
        Fleets.json(fleet.putArray("laggards"), w == null ? none : w.laggards(), o.revision());
        Fleets.json(fleet.putArray("missed"), w == null ? none : w.missed(), o.revision());
        return fleet;
    }

    private static String of(@Nullable String service) {
        return service == null ? "" : " of service " + service;
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
