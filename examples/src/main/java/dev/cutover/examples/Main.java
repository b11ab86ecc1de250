package dev.cutover.examples;

import dev.cutover.examples.analytics.AnalyticsMigration;
import dev.cutover.examples.rekey.RekeyMigration;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The main job: runs the two seed migrations end to end on embedded real stores and prints a
 * report for each. Exits 0 when every migration ends clean, 1 when anything was lost or differs,
 * 2 on a bad argument.
 *
 * <pre>
 * mvn -B -q -pl examples -am test-compile exec:java                                 # both, default size
 * mvn -B -q -pl examples -am test-compile exec:java -Dexec.args="analytics --size 5"
 * mvn -B -q -pl examples -am test-compile exec:java -Dexec.args="analytics --queue sqs"
 * </pre>
 */
public final class Main {
    /** Which migrations run: {@code analytics}, {@code rekey} or {@code all}. */
    enum Which {
        ANALYTICS,
        REKEY,
        ALL
    }

    private Main() {}

    /**
     * Runs the main job and exits with its code. It always exits explicitly: DynamoDB Local leaves
     * threads behind that would keep the JVM alive.
     */
    public static void main(String[] args) {
        int code;
        try {
            code = run(args, System.out, System.console() != null);
        } catch (Throwable t) {
            System.out.flush();
            System.err.println("the examples could not run: " + t);
            t.printStackTrace(System.err);
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    /** Runs what {@code args} ask for; returns the exit code. */
    public static int run(String[] args, PrintStream out, boolean terminal) throws Exception {
        Which which = Which.ALL;
        int size = 1;
        boolean sqs = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--size")) {
                if (i + 1 == args.length) {
                    return usage(out, "--size needs a value");
                }
                String v = args[++i];
                try {
                    size = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    return usage(out, "--size must be a whole number from 1 to 100 but was '" + v + "'");
                }
                if (size < 1 || size > 100) {
                    return usage(out, "--size must be a whole number from 1 to 100 but was " + size);
                }
            } else if (a.equals("--queue")) {
                if (i + 1 == args.length) {
                    return usage(out, "--queue needs a value");
                }
                String v = args[++i];
                if (!v.equals("sqs") && !v.equals("in-process")) {
                    return usage(out, "--queue must be sqs or in-process but was '" + v + "'");
                }
                sqs = v.equals("sqs");
            } else if (a.equals("--help") || a.equals("-h")) {
                usage(out, null);
                return 0;
            } else {
                try {
                    which = Which.valueOf(a.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    return usage(out, "unknown argument '" + a + "'; expected analytics, rekey, all or --size N");
                }
            }
        }
        List<MigrationReport> reports = new ArrayList<>();
        long t0 = System.nanoTime();
        try (LiveStatus status = new LiveStatus(out, terminal)) {
            if (which != Which.REKEY) {
                out.println("== Migration 1: analytics from an event store into a PostgreSQL star schema ==");
                AnalyticsMigration.Options options = AnalyticsMigration.Options.ofSize(size);
                reports.add(AnalyticsMigration.run(sqs ? options.onSqs() : options, status));
            }
            if (which != Which.ANALYTICS) {
                out.println("== Migration 2: a DynamoDB primary-key change, switched in unison ==");
                reports.add(RekeyMigration.run(size, status));
            }
        }
        reports.forEach(r -> r.print(out));
        boolean clean = reports.stream().allMatch(MigrationReport::clean);
        out.printf(
                Locale.ROOT,
                "%n%s in %.1f s%n",
                clean ? "All migrations clean" : "MIGRATION FAILED",
                (System.nanoTime() - t0) / 1e9);
        return clean ? 0 : 1;
    }

    private static int usage(PrintStream out, @org.jspecify.annotations.Nullable String error) {
        if (error != null) {
            out.println("error: " + error);
        }
        out.println("usage: Main [analytics | rekey | all] [--size N] [--queue sqs | in-process]");
        out.println("  analytics  migration 1: event store to a PostgreSQL star schema");
        out.println("  rekey      migration 2: DynamoDB primary-key change with a unison flip");
        out.println("  all        both (default)");
        out.println("  --size N   scale factor 1 to 100 (default 1: about a minute per migration on 2 cores)");
        out.println("  --queue Q  migration 1's mirror queue: in-process (default; reorders and redelivers) or sqs");
        out.println("             (an SQS queue on ElasticMQ, in-process)");
        return error == null ? 0 : 2;
    }
}
