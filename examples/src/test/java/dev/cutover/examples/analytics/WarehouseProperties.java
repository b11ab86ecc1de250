package dev.cutover.examples.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.compare.Comparison;
import dev.cutover.replication.Change;
import dev.cutover.replication.spi.ApplyOutcome;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Invariants of the example's own code, on a real embedded PostgreSQL: the star-schema columns
 * give back every payload they store, and the old and the new analytics agree on any history,
 * whatever order (and how often) its changes reach the warehouse.
 */
class WarehouseProperties {
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static Database db;
    private static StarSchema warehouse;

    @BeforeContainer
    static void startDatabase() throws Exception {
        db = Database.start(4);
        warehouse = StarSchema.create(db.pool());
        new EventStore(db.pool()).createSchema();
    }

    @AfterContainer
    static void stopDatabase() throws Exception {
        db.close();
    }

    /** A payload of one table of the star schema. */
    record Sample(String prefix, ObjectNode payload) {}

    @Property(tries = 300)
    void everyStarTableGivesBackThePayloadItStored(@ForAll("payloads") Sample sample) throws Exception {
        String key = sample.prefix() + "-" + KEYS.incrementAndGet();
        assertThat(warehouse.apply(List.of(Change.upsert(key, 1, sample.payload()))))
                .containsExactly(ApplyOutcome.APPLIED);
        Optional<Change> stored = warehouse.read(key);
        assertThat(stored).isPresent();
        assertThat(stored.get().payload()).isEqualTo(sample.payload());

        assertThat(warehouse.apply(List.of(Change.delete(key, 2)))).containsExactly(ApplyOutcome.APPLIED);
        assertThat(warehouse.read(key))
                .hasValueSatisfying(c -> assertThat(c.isDelete()).isTrue());
        assertThat(warehouse.apply(List.of(Change.upsert(key, 1, sample.payload()))))
                .as("a late create does not bring back a deleted entity")
                .containsExactly(ApplyOutcome.SUPERSEDED);
    }

    @Property(tries = 6)
    void oldAndNewAnalyticsAgreeOnAnyHistoryInAnyDeliveryOrder(
            @ForAll @IntRange(min = 200, max = 900) int actions, @ForAll long seed) throws Exception {
        clear();
        EventStore events = new EventStore(db.pool());
        List<Change> changes = new ArrayList<>();
        PresentationApp app = new PresentationApp(
                events,
                new SimulatedClock(Instant.parse("2024-05-01T08:00:00Z")),
                e -> changes.add(AnalyticsMigration.toChange(e)));
        Traffic traffic = new Traffic(app, seed, 30);
        traffic.runUntil(() -> traffic.actions() + traffic.errors() >= actions);
        assertThat(traffic.errors()).as("first error: %s", traffic.firstError()).isZero();

        // the queue's worst: any order, some changes twice
        Random random = new Random(seed);
        List<Change> delivered = new ArrayList<>(changes);
        for (Change c : changes) {
            if (random.nextInt(20) == 0) {
                delivered.add(c);
            }
        }
        Collections.shuffle(delivered, random);
        for (int i = 0; i < delivered.size(); i += 100) {
            warehouse.apply(delivered.subList(i, Math.min(delivered.size(), i + 100)));
        }

        Analytics old = new OldAnalytics(events);
        Analytics warehouseApi = new NewAnalytics(db.pool());
        Comparison comparison = StageWalk.normalizedComparison();
        List<String> presentations = changes.stream()
                .map(Change::key)
                .filter(k -> k.startsWith("pres-"))
                .distinct()
                .toList();
        assertThat(presentations).isNotEmpty();
        for (String p : presentations) {
            assertThat(comparison
                            .compare(old.getReport(p), warehouseApi.getReport(p))
                            .matches())
                    .as("report of %s", p)
                    .isTrue();
            assertThat(comparison
                            .compare(old.listViewersByCountry(p), warehouseApi.listViewersByCountry(p))
                            .matches())
                    .as("countries of %s", p)
                    .isTrue();
        }
        assertThat(comparison
                        .compare(old.listTopPresentations(10), warehouseApi.listTopPresentations(10))
                        .matches())
                .as("top presentations")
                .isTrue();
    }

    @Example
    void aPayloadFieldWithoutAColumnIsRefusedByName() {
        ObjectNode viewer = JsonNodeFactory.instance
                .objectNode()
                .put("name", "Ada")
                .put("country", "GB")
                .put("email", "a@b");
        assertThatThrownBy(() -> warehouse.apply(List.of(Change.upsert("viewer-x", 1, viewer))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'email'");
        assertThatThrownBy(() -> warehouse.apply(List.of(Change.upsert("nobody-1", 1, viewer))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nobody-1'");
    }

    @Provide
    Arbitrary<Sample> payloads() {
        return Arbitraries.of(List.copyOf(StarSchema.columnsByPrefix().keySet()))
                .flatMap(prefix -> {
                    List<Arbitrary<JsonNode>> fields = new ArrayList<>();
                    List<StarColumns.Column> columns =
                            StarSchema.columnsByPrefix().get(prefix).fieldColumns();
                    for (StarColumns.Column c : columns) {
                        fields.add(value(c.type()));
                    }
                    return Combinators.combine(fields).as(values -> {
                        ObjectNode payload = JsonNodeFactory.instance.objectNode();
                        for (int i = 0; i < columns.size(); i++) {
                            payload.set(columns.get(i).field(), values.get(i));
                        }
                        return new Sample(prefix, payload);
                    });
                });
    }

    private static Arbitrary<JsonNode> value(StarColumns.Type type) {
        Arbitrary<JsonNode> value = switch (type) {
            case TEXT ->
                Arbitraries.strings()
                        .withCharRange('\u0001', '\uD7FF')
                        .withCharRange('\uE000', '\uFFFD')
                        .ofMaxLength(30)
                        .map(TextNode::valueOf);
            case INT -> Arbitraries.integers().map(i -> JsonNodeFactory.instance.numberNode(i));
            // microseconds, PostgreSQL's precision, from 1970 to 2200
            case TIMESTAMP ->
                Arbitraries.longs()
                        .between(0, 7_258_118_400_000_000L)
                        .map(us -> TextNode.valueOf(Instant.ofEpochSecond(us / 1_000_000, us % 1_000_000 * 1_000)
                                .toString()));
        };
        return Arbitraries.frequencyOf(
                Tuple.of(4, value), Tuple.of(1, Arbitraries.just((JsonNode) NullNode.getInstance())));
    }

    private static void clear() throws Exception {
        try (Connection c = db.pool().getConnection();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE events RESTART IDENTITY");
            for (String prefix : StarSchema.columnsByPrefix().keySet()) {
                s.execute("TRUNCATE " + StarSchema.tableOf(prefix));
            }
        }
    }
}
