package dev.cutover.examples.rekey;

import dev.cutover.dualwrite.ComparisonReport;
import dev.cutover.dualwrite.MigrationListener;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.FailedWrite;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.InMemoryFailedWriteJournal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The services that depend on the orders, started together, each with its own flag client and
 * dual-write proxy; the stage they serve comes from one flag in one DynamoDB flag table.
 */
final class ServiceFleet implements AutoCloseable {
    static final String FLAG_TABLE = "cutover-flags";
    static final String STAGE_FLAG = "orders.key-migration";

    private final List<Service> services = new ArrayList<>();
    private final FailedWriteJournal journal = new InMemoryFailedWriteJournal();
    private final Map<ComparisonReport.Outcome, LongAdder> comparisons = new EnumMap<>(ComparisonReport.Outcome.class);
    private final LongAdder missed = new LongAdder();

    /**
     * @param ids the ids the services read; each service writes every n-th of them
     * @param versions the current version of each id
     */
    ServiceFleet(
            int size,
            EmbeddedDynamoDb dynamoDb,
            OldTable oldTable,
            NewTable newTable,
            List<String> ids,
            Map<String, Long> versions,
            FlipWatch watch,
            Duration stepEvery) {
        for (ComparisonReport.Outcome outcome : ComparisonReport.Outcome.values()) {
            comparisons.put(outcome, new LongAdder());
        }
        MigrationListener counting = new MigrationListener() {
            @Override
            public void onComparison(ComparisonReport report) {
                comparisons.get(report.outcome()).increment();
            }

            @Override
            public void onShadowWriteFailed(FailedWrite write) {
                missed.increment();
            }
        };
        for (int i = 0; i < size; i++) {
            Map<String, Long> owned = new HashMap<>();
            for (int k = i; k < ids.size(); k += size) {
                owned.put(ids.get(k), versions.get(ids.get(k)));
            }
            services.add(new Service(
                    i,
                    dynamoDb.client(),
                    i < 2 ? dynamoDb.streams() : null,
                    oldTable,
                    newTable,
                    ids,
                    owned,
                    journal,
                    counting,
                    watch,
                    stepEvery));
        }
    }

    void start() {
        services.forEach(Service::start);
    }

    /** Stops all traffic, then waits for the shadow writes still queued to land. */
    void stop(Duration bound) throws InterruptedException {
        for (Service s : services) {
            s.stop();
        }
        for (Service s : services) {
            s.control().awaitIdle(bound);
        }
    }

    int size() {
        return services.size();
    }

    /** The stages served now, with how many services serve each: {@code "LIVE x12"}. */
    String stages() {
        Map<Stage, Long> by =
                services.stream().collect(Collectors.groupingBy(Service::stage, TreeMap::new, Collectors.counting()));
        return by.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    long reads() {
        return services.stream().mapToLong(Service::reads).sum();
    }

    long writes() {
        return services.stream().mapToLong(Service::writes).sum();
    }

    /** Calls that threw to a service: what its users would have seen as errors. */
    long errors() {
        return services.stream().mapToLong(Service::errors).sum();
    }

    @Nullable
    String firstError() {
        return services.stream()
                .map(Service::firstError)
                .filter(e -> e != null)
                .findFirst()
                .orElse(null);
    }

    long comparisons(ComparisonReport.Outcome outcome) {
        return comparisons.get(outcome).sum();
    }

    /** Shadow writes that did not succeed, each journaled for repair. */
    long shadowWritesMissed() {
        return missed.sum();
    }

    /** Where the services journal the shadow writes they missed. */
    FailedWriteJournal journal() {
        return journal;
    }

    @Override
    public void close() {
        services.forEach(Service::close);
    }
}
