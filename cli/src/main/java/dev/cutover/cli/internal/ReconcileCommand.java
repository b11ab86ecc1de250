package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.compare.Comparison;
import dev.cutover.concurrent.DaemonThreads;
import dev.cutover.journal.RepairResult;
import dev.cutover.replication.BackfillBuilder;
import dev.cutover.replication.InMemoryCheckpointStore;
import dev.cutover.replication.InMemoryRangeResultStore;
import dev.cutover.replication.Reconciler;
import dev.cutover.replication.ReconciliationException;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.Repair;
import dev.cutover.replication.jdbc.JdbcCheckpointStore;
import dev.cutover.replication.jdbc.JdbcRangeResultStore;
import dev.cutover.replication.spi.CheckpointStore;
import dev.cutover.replication.spi.KeyReader;
import dev.cutover.replication.spi.RangeResultStore;
import dev.cutover.replication.spi.VersionedTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cutover reconcile}: compares old and new, and with {@code --repair} fixes what differs. */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compare the old store with the new one, report differences, optionally repair.",
            "",
            "Compare the old store with the new one by chunk hashes, drill down to the rows that differ, re-read each"
                    + " before reporting it, and print a summary (and a JSON report). With --repair and an explicit"
                    + " --direction, repair every reported key through the versioned apply, then reconcile again; with"
                    + " --repair --dry-run, print what the repair would write and write nothing.",
            "",
            "A row a store holds but that cannot be read (a version that is NULL, 0 or negative, a key or payload that"
                    + " cannot be read) is reported as rejected, not migrated, with its key and reason: the stores do not"
                    + " agree while it remains, and a repair cannot fix it (fix the row in its store).",
            "",
            "Exit codes: 0 the stores agree (after the repair, with --repair), 1 failed, 2 bad arguments, 4 refused,"
                    + " 6 differences or rejected rows remain."
        })
public final class ReconcileCommand implements Callable<Integer> {
    /** Table prefix of a resumable reconciliation's checkpoints; its results go to {@code cutover_reconcile_<id>}. */
    static final String RANGES_PREFIX = "cutover_reconcile_ranges_";

    @Spec
    CommandSpec spec;

    @Mixin
    ReplicationOptions sides = new ReplicationOptions();

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description =
                    "Write the reconciliation report as JSON (schema " + ReconciliationReport.SCHEMA + ") to FILE.")
    @Nullable
    Path report;

    @Option(
            names = "--ignore-field",
            paramLabel = "NAME",
            description = "Fields that do not count, by name, anywhere in a row (comma-separated, repeatable).")
    List<String> ignoreFieldOptions = new ArrayList<>();

    /** The names of {@code --ignore-field}, split here so that an empty name is refused, not dropped. */
    private final List<String> ignoreFields = new ArrayList<>();

    @Option(
            names = "--buckets",
            paramLabel = "N",
            defaultValue = "4096",
            description = "Hash buckets the keys are split into, 1 to 1048576; default ${DEFAULT-VALUE}.")
    int buckets = 4096;

    @Option(
            names = "--recheck-after",
            paramLabel = "MILLIS",
            defaultValue = "500",
            description = "Wait before re-reading the differences, so writes in flight land; default ${DEFAULT-VALUE}.")
    long recheckAfter = 500;

    @Option(
            names = "--workers",
            paramLabel = "N",
            defaultValue = "1",
            description = "Reconcilers in this process sharing the ranges, 1 to 64; default ${DEFAULT-VALUE}. Other"
                    + " processes with the same --reconcile-id share them too.")
    int workers = 1;

    @Option(
            names = "--reconcile-id",
            paramLabel = "NAME",
            description = "Names a resumable reconciliation ([a-z][a-z0-9_]*): its ranges are checkpointed, the same"
                    + " id resumes with the ranges left (and, once all are done, prints the same report), a new id"
                    + " reconciles again.")
    @Nullable
    String reconcileId;

    @Option(
            names = "--ranges",
            paramLabel = "N",
            defaultValue = "16",
            description = "Ranges the work is cut into with --workers or --reconcile-id, 1 to 4096; the same for"
                    + " every process of one id; default ${DEFAULT-VALUE}.")
    int ranges = 16;

    @Mixin
    CheckpointDbOptions checkpointOptions = new CheckpointDbOptions();

    @Option(names = "--repair", description = "Repair the differences found (needs --direction).")
    boolean repair;

    @Option(
            names = "--direction",
            paramLabel = "DIRECTION",
            converter = Directions.class,
            completionCandidates = Directions.class,
            description = "Which side is authoritative for --repair: ${COMPLETION-CANDIDATES}. Never guessed.")
    Repair.@Nullable Direction direction;

    @Option(
            names = "--dry-run",
            description = "With --repair: reconcile, then print what the repair would write; write nothing.")
    boolean dryRun;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() throws Exception {
        sides.check(spec);
        if (repair && direction == null) {
            throw CliException.usage(
                    "--direction",
                    "--repair needs --direction old-to-new or new-to-old: a repair never guesses which side is"
                            + " authoritative");
        }
        if (!repair && direction != null) {
            throw CliException.usage("--direction", "--direction is for --repair; add --repair to repair");
        }
        if (dryRun && !repair) {
            throw CliException.usage(
                    "--dry-run", "--dry-run is for --repair: a reconciliation without --repair writes nothing anyway");
        }
        ReplicationOptions.range(
                "--recheck-after", recheckAfter, 0, Duration.ofDays(1).toMillis());
        ReplicationOptions.range("--buckets", buckets, 1, 1 << 20);
        ignoreFields.clear();
        for (String given : ignoreFieldOptions) {
            for (String f : given.split(",", -1)) {
                if (f.isBlank() || f.chars().anyMatch(Character::isISOControl)) {
                    throw CliException.invalid(
                            "--ignore-field", "expected field names separated by commas, none empty", given);
                }
                ignoreFields.add(f);
            }
        }
        ReplicationOptions.range("--workers", workers, 1, BackfillBuilder.MAX_WORKERS);
        ReplicationOptions.range("--ranges", ranges, 1, 4096);
        checkpointOptions.owner(); // checked before anything is opened
        if (reconcileId != null
                && (!JdbcCheckpointStore.IDENTIFIER.matcher(reconcileId).matches()
                        || (RANGES_PREFIX + reconcileId).length() > JdbcCheckpointStore.MAX_TABLE_LENGTH)) {
            throw CliException.invalid(
                    "--reconcile-id",
                    "expected a lower-case letter, then lower-case letters, digits or _ (at most "
                            + (JdbcCheckpointStore.MAX_TABLE_LENGTH - RANGES_PREFIX.length()) + " characters)",
                    reconcileId);
        }
        if (report != null) {
            Reports.checkWritable(report);
        }
        ReplicationOptions.Ends ends = sides.check(spec);
        CheckpointDbOptions.At at = reconcileId == null ? null : checkpointOptions.resolve(spec, ends, sides);
        try (HikariDataSource checkpointDb = at == null ? null : at.pool(workers + 1);
                ReplicationOptions.Connections conns = sides.connect(spec, 3 * workers + 1);
                ReplicationOptions.Sides opened = sides.open(spec, conns, b -> b.build())) {
            Stores stores = null;
            if (checkpointDb != null) {
                String id = java.util.Objects.requireNonNull(reconcileId);
                stores = new Stores(
                        JdbcCheckpointStore.builder(checkpointDb, id)
                                .tablePrefix(RANGES_PREFIX)
                                .build(),
                        JdbcRangeResultStore.builder(checkpointDb, id).build());
            } else if (workers > 1) {
                stores = new Stores(new InMemoryCheckpointStore(), new InMemoryRangeResultStore());
            }
            return run(opened, stores);
        }
    }

    /** Where a split reconciliation keeps its ranges and their results. */
    private record Stores(CheckpointStore checkpoints, RangeResultStore results) {}

    private int run(ReplicationOptions.Sides opened, @Nullable Stores stores) throws Exception {
        Reconciler reconciler = reconciler(opened);
        PrintWriter out = spec.commandLine().getOut();
        ReconciliationReport first = stores == null ? reconcile(reconciler) : split(reconciler, stores);
        if (report != null) {
            Reports.write(report, (ObjectNode) tree(first));
        }
        if (!output.json()) {
            out.println(first.summary());
            details(out, first);
        }
        RepairResult repaired = null;
        ReconciliationReport after = null;
        if (repair && dryRun) {
            plan(out, first);
            out.flush();
            return first.clean() ? Exit.OK : Exit.DIFFERENCES;
        }
        if (repair && !first.clean()) {
            repaired = repair(opened, first);
            after = reconcile(reconciler);
            if (!output.json()) {
                out.println("repair " + Directions.name(direction) + ": "
                        + repaired.keys() + " keys, " + repaired.upserted() + " upserted, " + repaired.deleted()
                        + " deleted, "
                        + repaired.alreadyCurrent() + " already current, " + repaired.keptNewer() + " kept newer, "
                        + repaired.skipped() + " skipped, " + repaired.failed() + " failed");
                repaired.failedKeys().stream().limit(20).forEach(k -> out.println("  failed: " + k));
                if (first.counts().rejected() > 0) {
                    out.println("  " + first.counts().rejected()
                            + " rejected rows are not repaired: a store cannot read them;" + " fix them there");
                }
                out.println("after repair: " + after.summary());
            }
        } else if (repair && !output.json()) {
            out.println("nothing to repair");
        }
        if (report != null && !output.json()) {
            out.println("report: " + report);
        }
        if (output.json()) {
            ObjectNode root = Json.object();
            root.set("report", tree(first));
            root.set("repair", repaired == null ? null : repairJson(repaired));
            root.set("afterRepair", after == null ? null : tree(after));
            Json.print(out, root);
        }
        out.flush();
        ReconciliationReport last = after != null ? after : first;
        return last.clean() && (repaired == null || repaired.failed() == 0) ? Exit.OK : Exit.DIFFERENCES;
    }

    private Reconciler reconciler(ReplicationOptions.Sides opened) {
        try {
            Comparison.Builder comparison = Comparison.builder();
            if (!ignoreFields.isEmpty()) {
                comparison.ignoreFields(ignoreFields.toArray(String[]::new));
            }
            Reconciler.Builder b = Reconciler.between(opened.oldSide(), opened.newSide())
                    .comparison(comparison.build())
                    .buckets(buckets)
                    .recheckAfter(Duration.ofMillis(recheckAfter));
            KeyReader oldReader = opened.oldReader();
            if (oldReader != null) {
                b.recheck(oldReader, opened.newSide()::read);
            } else {
                spec.commandLine()
                        .getErr()
                        .println("note: the old table's primary key is not --source-key alone, so"
                                + " differences are reported without a re-check");
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(null, "bad reconciliation options: " + e.getMessage());
        }
    }

    /**
     * {@code --workers} reconcilers in this process, each with its own owner, sharing the ranges with
     * each other and with every other process of the same {@code --reconcile-id}; each ends with the
     * whole report.
     */
    private ReconciliationReport split(Reconciler reconciler, Stores stores) throws InterruptedException {
        ExecutorService pool =
                Executors.newFixedThreadPool(workers, DaemonThreads.numbered("cutover-reconcile-worker"));
        try {
            List<Future<ReconciliationReport>> runs = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                // without --owner, each split gets its own default owner (host, pid, random)
                Reconciler.Split split =
                        reconciler.split(stores.checkpoints(), stores.results()).ranges(ranges);
                String owner = checkpointOptions.owner();
                if (owner != null) {
                    split.owner(workers == 1 ? owner : owner + "-w" + w);
                }
                runs.add(pool.submit(split::run));
            }
            ReconciliationReport report = null;
            for (Future<ReconciliationReport> run : runs) {
                try {
                    report = run.get();
                } catch (ExecutionException e) {
                    throw new CliException(Exit.FAILED, "reconciliation failed: " + Errors.describe(e.getCause()));
                }
            }
            return java.util.Objects.requireNonNull(report);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ReconciliationReport reconcile(Reconciler reconciler) throws InterruptedException {
        try {
            return reconciler.run();
        } catch (ReconciliationException e) {
            throw new CliException(Exit.FAILED, "reconciliation failed: " + Errors.describe(e));
        }
    }

    /** {@code --repair --dry-run}: what the repair would write, per key, from the report. */
    private void plan(PrintWriter out, ReconciliationReport r) throws IOException {
        boolean toNew = direction == Repair.Direction.OLD_TO_NEW;
        List<String> upserts = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        r.different().forEach(d -> upserts.add(d.key()));
        r.missingInNew().forEach(d -> (toNew ? upserts : deletes).add(d.key()));
        r.extraInNew().forEach(d -> (toNew ? deletes : upserts).add(d.key()));
        String side = toNew ? "the new store" : "the old store";
        if (output.json()) {
            ObjectNode root = Json.object();
            root.set("report", tree(r));
            ObjectNode p = root.putObject("repairPlan")
                    .put("dryRun", true)
                    .put("direction", Directions.name(java.util.Objects.requireNonNull(direction)))
                    .put("writes", toNew ? "new" : "old");
            upserts.forEach(p.putArray("upsert")::add);
            deletes.forEach(p.putArray("delete")::add);
            Json.print(out, root);
            return;
        }
        out.println("dry run, nothing written: repair " + Directions.name(java.util.Objects.requireNonNull(direction))
                + " would upsert " + upserts.size() + " and delete " + deletes.size() + " keys in " + side
                + " (each only if the authority still holds what was compared)");
        upserts.stream().limit(20).forEach(k -> out.println("  would upsert: " + k));
        deletes.stream().limit(20).forEach(k -> out.println("  would delete: " + k));
        if (r.counts().rejected() + r.counts().collisions() + r.counts().errors() > 0) {
            out.println("  not repaired: " + r.counts().rejected() + " rejected, "
                    + r.counts().collisions() + " collisions, " + r.counts().errors() + " errors");
        }
    }

    private RepairResult repair(ReplicationOptions.Sides opened, ReconciliationReport found) throws Exception {
        Repair.Builder b = Repair.from(found).direction(direction);
        if (direction == Repair.Direction.OLD_TO_NEW) {
            KeyReader oldReader = opened.oldReader();
            if (oldReader == null) {
                throw new CliException(
                        Exit.REFUSED,
                        "repair old-to-new reads the old table by key, and its primary key is"
                                + " not --source-key alone; nothing was repaired");
            }
            return b.authority(oldReader).apply(opened.newSide());
        }
        VersionedTarget old = opened.oldVersioned();
        if (old == null) {
            throw new CliException(
                    Exit.REFUSED,
                    "repair new-to-old writes the old store through the versioned apply, so"
                            + " the old table must be in the versioned layout (--source-versioned); "
                            + opened.oldSide().describe()
                            + " is a plain table. Nothing was repaired.");
        }
        return b.authority(opened.newSide()::read).apply(old);
    }

    private static void details(PrintWriter out, ReconciliationReport r) {
        r.missingInNew().stream().limit(20).forEach(d -> out.println("  missing in new: " + d.key()));
        r.extraInNew().stream().limit(20).forEach(d -> out.println("  extra in new: " + d.key()));
        r.different().stream()
                .limit(20)
                .forEach(d -> out.println("  different: " + d.key() + " at "
                        + String.join(
                                ", ",
                                d.differences().stream().map(x -> x.path()).toList())));
        r.collisions().stream()
                .limit(20)
                .forEach(c -> out.println("  collision: " + c.key() + " from " + String.join(", ", c.oldKeys())));
        r.errors().stream()
                .limit(20)
                .forEach(e -> out.println("  error: " + e.key() + " (" + e.side() + "): " + e.detail()));
        r.rejected().stream()
                .limit(20)
                .forEach(x -> out.println("  rejected (" + x.side() + ", not migrated): "
                        + (x.key() == null ? "(no key)" : x.key()) + ": " + x.reason()));
        if (r.counts().rejected() > 20) {
            out.println("  ... " + (r.counts().rejected() - 20) + " more rejected rows; the JSON report lists "
                    + (r.rejected().size() < r.counts().rejected()
                            ? "the first " + r.rejected().size()
                            : "them all"));
        }
    }

    private static JsonNode tree(ReconciliationReport r) throws IOException {
        Path tmp = Files.createTempFile("cutover-reconciliation", ".json");
        try {
            r.writeJson(tmp);
            return Json.MAPPER.readTree(tmp.toFile());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ObjectNode repairJson(RepairResult r) {
        ObjectNode o = Json.object()
                .put("keys", r.keys())
                .put("upserted", r.upserted())
                .put("deleted", r.deleted())
                .put("alreadyCurrent", r.alreadyCurrent())
                .put("keptNewer", r.keptNewer())
                .put("skipped", r.skipped())
                .put("failed", r.failed())
                .put("journalResolved", r.journalResolved());
        r.failedKeys().forEach(o.putArray("failedKeys")::add);
        r.keptNewerKeys().forEach(o.putArray("keptNewerKeys")::add);
        return o;
    }
}
