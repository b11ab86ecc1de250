package dev.cutover.replication.internal.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.ReconciliationException;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.spi.Checkpoint;
import dev.cutover.replication.spi.CheckpointClaim;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.RangeResultStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reconciliation cut into ranges that processes share through a {@link CheckpointStore}.
 *
 * <p>The store is prepared with {@code 2 * ranges} units. Unit {@code r < ranges} is the first
 * pass over the {@code r}-th slice of each side's segments: its bucket digests, and the rows the
 * slice rejected or could not transform. Once every such unit is done, every process adds the
 * digests up (sums of row digests add up) and so knows the same differing buckets, and cuts the
 * same groups of them as a single run would. Unit {@code ranges + d} is the second pass over the
 * {@code d}-th slice of those groups. Each unit's result goes to the {@link RangeResultStore} under
 * its claim id, which the unit's checkpoint token names before the unit is marked done: a process
 * whose lease expired can neither mark a unit done nor make its result the one that counts. The
 * report merges the units' findings in unit order, which is the order a single run finds them in.
 */
public final class ReconcileSplit {
    private static final Logger LOG = LoggerFactory.getLogger("dev.cutover.replication.Reconciler");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RUNNING = "running";
    private static final long MIN_PAUSE_MILLIS = 10;

    /** How a split run shares its work. */
    public record Options(
            CheckpointStore checkpoints, RangeResultStore results, int ranges, String owner, Duration lease) {}

    /** Thrown from a read when this process lost the claim of the unit it works on. */
    private static final class LostClaim extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LostClaim(String message) {
            super(message, null, false, false);
        }
    }

    private interface Unit {
        String run(int unit, ReconcileScan.Beat beat, ExecutorService io)
                throws ReconciliationException, InterruptedException;
    }

    private final ReconcileSettings s;
    private final Options o;

    public ReconcileSplit(ReconcileSettings settings, Options options) {
        this.s = settings;
        this.o = options;
    }

    /**
     * The layout the checkpoints are prepared with: the ranges, the buckets and both sides' splits.
     * Processes with another one are refused by the store, since their units would cover other rows.
     */
    String layout() {
        String sides = s.oldSide().segments() + ":" + s.oldSide().layout() + "|"
                + s.newSide().segments() + ":" + s.newSide().layout();
        return "reconciliation ranges=" + o.ranges() + " buckets=" + s.buckets() + " sides sha-256 "
                + sha256(sides).substring(0, 16);
    }

    public ReconciliationReport run() throws ReconciliationException, InterruptedException {
        Instant started = s.clock().instant();
        int ranges = o.ranges();
        call("preparing the checkpoints (" + o.checkpoints().describe() + ")", () -> {
            o.checkpoints().prepare(2 * ranges, layout());
            return null;
        });
        call("preparing the results (" + o.results().describe() + ")", () -> {
            o.results().prepare();
            return null;
        });
        ExecutorService io = Parallel.threads("cutover-reconcile");
        try {
            units(0, ranges, io, this::digest);
            List<Checkpoint> checkpoints =
                    call("listing the checkpoints", () -> o.checkpoints().checkpoints());
            ReconcileDigests old = ReconcileDigests.empty(s);
            ReconcileDigests neu = ReconcileDigests.empty(s);
            JsonNode[] parts = new JsonNode[2 * ranges];
            for (int r = 0; r < ranges; r++) {
                parts[r] = result(checkpoints.get(r));
                old.add(decode(r, parts[r], "old"));
                neu.add(decode(r, parts[r], "new"));
            }
            BitSet differing = old.differing(neu);
            List<BitSet> groups = ReconcileDrill.groups(s, differing, old, neu);
            units(ranges, 2 * ranges, io, (unit, beat, pool) -> drill(unit - ranges, groups, beat, pool));
            checkpoints = call("listing the checkpoints", () -> o.checkpoints().checkpoints());
            ReconcileFindings findings = new ReconcileFindings(s.reportLimit());
            for (int u = 0; u < 2 * ranges; u++) {
                JsonNode part = u < ranges ? parts[u] : result(checkpoints.get(u));
                findings.absorb(ReconciliationJson.fromTree(part.path("findings")));
            }
            boolean rechecked = s.oldReader() != null && s.newReader() != null;
            ReconciliationReport report =
                    findings.report(s, started, s.clock().instant(), differing.cardinality(), rechecked, old, neu);
            LOG.info("{} ({} ranges, owner {})", report.summary(), ranges, o.owner());
            return report;
        } finally {
            io.shutdownNow();
        }
    }

    /** The first pass over range {@code r}: both sides' slices, their digests and what they rejected. */
    private String digest(int r, ReconcileScan.Beat beat, ExecutorService io)
            throws ReconciliationException, InterruptedException {
        ReconcileFindings findings = new ReconcileFindings(s.reportLimit());
        ReconcileDigests[] sides = new ReconcileDigests[2];
        int oldSegments = s.oldSide().segments();
        int newSegments = s.newSide().segments();
        Parallel.both(
                io,
                () -> sides[0] =
                        ReconcileDigests.ofOld(s, findings, io, slice(r, oldSegments), slice(r + 1, oldSegments), beat),
                () -> sides[1] = ReconcileDigests.ofNew(
                        s, findings, io, slice(r, newSegments), slice(r + 1, newSegments), beat));
        ObjectNode node = part(findings, sides[0], sides[1]);
        node.put("old", sides[0].encode());
        node.put("new", sides[1].encode());
        return node.toString();
    }

    /** The second pass over the {@code d}-th slice of the groups of differing buckets. */
    private String drill(int d, List<BitSet> groups, ReconcileScan.Beat beat, ExecutorService io)
            throws ReconciliationException, InterruptedException {
        ReconcileFindings findings = new ReconcileFindings(s.reportLimit());
        List<BitSet> mine = groups.subList(slice(d, groups.size()), slice(d + 1, groups.size()));
        if (!mine.isEmpty()) {
            ReconcileJudge judge = new ReconcileJudge(s, findings);
            new ReconcileDrill(s, judge, beat).run(mine, io);
            if (judge.recheckFailures > 0) {
                LOG.warn(
                        "reconciliation {} -> {}: {} re-checks failed to read; those keys are reported as scanned",
                        s.oldSide().describe(),
                        s.newSide().describe(),
                        judge.recheckFailures);
            }
        }
        ReconcileDigests none = ReconcileDigests.empty(s);
        return part(findings, none, none).toString();
    }

    private ObjectNode part(ReconcileFindings findings, ReconcileDigests old, ReconcileDigests neu) {
        Instant now = s.clock().instant();
        ObjectNode node = MAPPER.createObjectNode();
        node.set("findings", ReconciliationJson.tree(findings.report(s, now, now, 0, false, old, neu)));
        return node;
    }

    /** Where the {@code i}-th of {@code ranges} slices of {@code n} things starts. */
    private int slice(int i, int n) {
        return (int) ((long) i * n / o.ranges());
    }

    /**
     * Runs units {@code from} to {@code to} (exclusive), those this process can claim, until every
     * one of them is done, by this process or another: a unit another holds is waited for, and
     * taken over once its lease expired.
     */
    private void units(int from, int to, ExecutorService io, Unit work)
            throws ReconciliationException, InterruptedException {
        long longest = Math.max(MIN_PAUSE_MILLIS, Math.min(2_000, o.lease().toMillis() / 10));
        long pause = MIN_PAUSE_MILLIS;
        while (true) {
            List<Checkpoint> checkpoints =
                    call("listing the checkpoints", () -> o.checkpoints().checkpoints());
            if (checkpoints.subList(from, to).stream().allMatch(Checkpoint::done)) {
                return;
            }
            List<Integer> claimable =
                    call("listing claimable ranges", () -> o.checkpoints().claimable(o.owner(), to));
            boolean worked = false;
            for (int unit : claimable) {
                if (unit < from || unit >= to) {
                    continue;
                }
                Optional<CheckpointClaim> claim =
                        call("claiming range " + unit, () -> o.checkpoints().claim(unit, o.owner(), o.lease()));
                if (claim.isPresent()) {
                    worked = true;
                    runUnit(claim.get(), io, work);
                    break;
                }
            }
            if (worked) {
                pause = MIN_PAUSE_MILLIS;
            } else {
                // other processes hold the rest: look again for done or expired ones, less often the longer they take
                Thread.sleep(pause);
                pause = Math.min(longest, pause * 2);
            }
        }
    }

    private void runUnit(CheckpointClaim claim, ExecutorService io, Unit work)
            throws ReconciliationException, InterruptedException {
        Renewal renewal = new Renewal(claim);
        String result;
        try {
            result = work.run(claim.segment(), renewal, io);
        } catch (LostClaim e) {
            LOG.warn("reconciliation range {}: {}; another process does it", claim.segment(), e.getMessage());
            return;
        } catch (ReconciliationException | RuntimeException e) {
            release(claim, e); // another process may take the range over at once
            throw e;
        }
        call("storing the result of range " + claim.segment(), () -> {
            o.results().put(claim.claimId(), result);
            return null;
        });
        boolean done = call(
                "marking range " + claim.segment() + " done",
                () -> o.checkpoints().save(claim, claim.claimId(), renewal.pages, o.lease())
                        && o.checkpoints().markDone(claim, renewal.pages));
        if (!done) {
            LOG.warn(
                    "reconciliation range {}: the lease of owner {} expired before the range was done;"
                            + " another process does it",
                    claim.segment(),
                    o.owner());
        }
    }

    private void release(CheckpointClaim claim, Exception failure) {
        try {
            o.checkpoints().release(claim);
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** Renews a claim's lease from the reads of its unit, at most every third of the lease. */
    private final class Renewal implements ReconcileScan.Beat {
        private final CheckpointClaim claim;
        private long last = System.nanoTime();
        long pages;

        Renewal(CheckpointClaim claim) {
            this.claim = claim;
        }

        @Override
        public synchronized void page() throws ReconciliationException {
            pages++;
            if (System.nanoTime() - last < o.lease().toNanos() / 3) {
                return;
            }
            boolean renewed;
            try {
                renewed = o.checkpoints().save(claim, RUNNING, pages, o.lease());
            } catch (Exception e) {
                throw new ReconciliationException(
                        "renewing the lease of range " + claim.segment() + " in "
                                + o.checkpoints().describe() + " failed",
                        e);
            }
            if (!renewed) {
                throw new LostClaim("the lease of owner " + o.owner() + " expired before it was renewed");
            }
            last = System.nanoTime();
        }
    }

    /** The stored result of a done unit. */
    private JsonNode result(Checkpoint checkpoint) throws ReconciliationException, InterruptedException {
        String id = checkpoint.token();
        if (!checkpoint.done() || id == null) {
            throw new IllegalStateException(
                    "range " + checkpoint.segment() + " of " + o.checkpoints().describe() + " is not done");
        }
        Optional<String> text = call(
                "reading the result of range " + checkpoint.segment(),
                () -> o.results().get(id));
        if (text.isEmpty()) {
            throw new IllegalStateException("range " + checkpoint.segment() + " is done in "
                    + o.checkpoints().describe() + " but its result " + id + " is missing from "
                    + o.results().describe()
                    + "; use the results store the range was done with, or start over with new checkpoints");
        }
        try {
            return MAPPER.readTree(text.get());
        } catch (Exception e) {
            throw new ReconciliationException(
                    "the result " + id + " of range " + checkpoint.segment() + " is not valid JSON", e);
        }
    }

    private ReconcileDigests decode(int range, JsonNode part, String side) throws ReconciliationException {
        try {
            return ReconcileDigests.decode(s, part.path(side).asText(""));
        } catch (IllegalArgumentException e) {
            throw new ReconciliationException(
                    "the " + side + " side's digests of range " + range + " in "
                            + o.results().describe() + " are unreadable: " + e.getMessage(),
                    e);
        }
    }

    private <T> T call(String what, Callable<T> call) throws ReconciliationException, InterruptedException {
        try {
            return call.call();
        } catch (InterruptedException | ReconciliationException e) {
            throw e;
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw e; // a refused layout, a bad value: named by the store
        } catch (Exception e) {
            throw new ReconciliationException(what + " failed: " + e.getMessage(), e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
