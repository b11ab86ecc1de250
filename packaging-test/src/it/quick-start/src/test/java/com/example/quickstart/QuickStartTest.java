package com.example.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.metrics.FlagClientMetrics;
import dev.cutover.flags.store.JsonFileFlagStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start, compiled and run against the published jars as a user gets them. */
class QuickStartTest {

  private static final String FLAGS = """
      {"flags": [
        {"key": "orders.new-checkout", "on": true, "type": "boolean",
         "variants": {"true": true, "false": false}, "offVariant": "false",
         "rules": [{"clauses": [{"attribute": "country", "op": "in", "values": ["DE", "FR"]}],
                    "serve": {"variant": "true"}}],
         "fallthrough": {"variant": "false"}},
        {"key": "orders.migration", "on": true, "type": "string",
         "variants": {"OLD_ONLY": "OLD_ONLY", "DUAL_WRITE": "DUAL_WRITE"}, "offVariant": "OLD_ONLY",
         "fallthrough": {"variant": "DUAL_WRITE"}}
      ]}
      """;

  /** The repository a service already has; the proxy is one of these. */
  public interface OrderRepository {
    Optional<String> find(String id);

    void save(String id, String order);
  }

  /** An in-memory store standing in for the old and the new database. */
  static final class MapOrders implements OrderRepository {
    final Map<String, String> rows = new ConcurrentHashMap<>();

    @Override
    public Optional<String> find(String id) {
      return Optional.ofNullable(rows.get(id));
    }

    @Override
    public void save(String id, String order) {
      rows.put(id, order);
    }
  }

  @TempDir Path dir;

  @Test
  void flagClientOverAJsonFileEvaluatesTheQuickStartFlags() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, FLAGS);
    String customerId = "customer-42";

    FlagClient flags = FlagClient.builder(JsonFileFlagStore.of(file))
        .backupFile(dir.resolve("flags-backup.json"))
        .build();
    try {
      EvaluationContext customer = EvaluationContext.builder(customerId).set("country", "DE").build();
      assertTrue(flags.booleanValue("orders.new-checkout", customer, false), "rule match for DE");
      EvaluationContext elsewhere = EvaluationContext.builder(customerId).set("country", "US").build();
      assertFalse(flags.booleanValue("orders.new-checkout", elsewhere, true), "fallthrough for US");
      assertEquals("DUAL_WRITE", flags.stringValue("orders.migration", customer, "OLD_ONLY"));
      assertEquals("fallback", flags.stringValue("orders.absent", customer, "fallback"));

      SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
      FlagClientMetrics.of(flags).bindTo(meterRegistry);
      assertFalse(meterRegistry.getMeters().isEmpty(), "metrics bound");
    } finally {
      flags.close();
    }
  }

  @Test
  void dualWriteProxyWritesBothStoresAndReadsTheOldOne() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, FLAGS);
    FlagClient flags = FlagClient.builder(JsonFileFlagStore.of(file)).build();
    MapOrders oldStore = new MapOrders();
    MapOrders newStore = new MapOrders();
    OrderRepository orders = DualWrite.of(OrderRepository.class)
        .oldStore(oldStore)
        .newStore(newStore)
        .stageFlag(flags, "orders.migration")
        .build();
    DualWriteControl control = DualWrite.control(orders);
    try {
      assertEquals(Stage.DUAL_WRITE, control.stage(null));
      orders.save("o-1", "two books");
      assertTrue(control.awaitIdle(Duration.ofSeconds(10)), "shadow work done");
      assertEquals("two books", oldStore.rows.get("o-1"));
      assertEquals("two books", newStore.rows.get("o-1"), "shadow write reached the new store");

      oldStore.rows.put("o-2", "from the old store");
      assertEquals(Optional.of("from the old store"), orders.find("o-2"), "reads come from the old store");
      assertNotNull(control.counts());
    } finally {
      control.close();
      flags.close();
    }
  }
}
