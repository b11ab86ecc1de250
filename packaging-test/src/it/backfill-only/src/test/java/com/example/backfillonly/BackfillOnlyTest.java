package com.example.backfillonly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cutover.replication.Backfill;
import dev.cutover.replication.BackfillResult;
import dev.cutover.replication.Change;
import dev.cutover.replication.InMemoryVersionedTarget;
import dev.cutover.replication.Mirror;
import dev.cutover.replication.ndjson.NdjsonSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service that only copies a table dump into a new store and mirrors its event stream: it
 * depends on cutover-replication alone, and gets neither the dual-write proxy, nor the flag client,
 * nor the circuit breaker they use.
 */
class BackfillOnlyTest {

  @TempDir Path dir;

  @Test
  void aDumpIsCopiedWithOnlyCutoverReplicationOnTheClasspath() throws Exception {
    Path dump = dir.resolve("orders.ndjson");
    Files.writeString(dump, """
        {"id": "a-1", "version": 3, "total": 10}
        {"id": "a-2", "version": 1, "total": 20}
        {"id": "a-3", "version": 7, "total": 30}
        """);
    NdjsonSource source = NdjsonSource.builder(dump).keyField("id").versionField("version").segments(2).build();
    InMemoryVersionedTarget target = new InMemoryVersionedTarget();

    BackfillResult result = Backfill.from(source).to(target).name("orders-copy").build().run();

    assertEquals(BackfillResult.Status.COMPLETED, result.status());
    assertEquals(3, result.counts().applied());
    assertEquals(List.of("a-1:3", "a-2:1", "a-3:7"),
        target.all().stream().map(c -> c.key() + ":" + c.version()).sorted().collect(Collectors.toList()));
  }

  @Test
  void theProxyAndItsResilienceLibrariesAreNotOnTheClasspath() {
    for (String absent : List.of("dev.cutover.dualwrite.DualWrite", "dev.cutover.flags.FlagClient",
        "io.github.resilience4j.circuitbreaker.CircuitBreaker")) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent);
    }
  }

  @Test
  void aMirrorGatedByItsOwnSwitchRunsWithoutTheFlagClient() throws Exception {
    InMemoryVersionedTarget target = new InMemoryVersionedTarget();
    AtomicBoolean on = new AtomicBoolean(true);
    try (Mirror<Change> mirror = Mirror.to(target).mapping((Change c) -> List.of(c)).gate(on::get).build()) {
      mirror.observe(Change.upsert("m-1", 2, JsonNodeFactory.instance.objectNode().put("total", 1)));
      on.set(false);
      mirror.observe(Change.upsert("m-2", 1, JsonNodeFactory.instance.objectNode().put("total", 2)));
      assertTrue(mirror.awaitQuiet(Duration.ofSeconds(30)));
    }
    assertEquals(List.of("m-1"), target.all().stream().map(Change::key).collect(Collectors.toList()));
  }

  @Test
  void changesAreVersionedWhateverTheirOrder() {
    InMemoryVersionedTarget target = new InMemoryVersionedTarget();
    target.apply(List.of(Change.upsert("k", 5, JsonNodeFactory.instance.objectNode().put("total", 5))));
    target.apply(List.of(Change.upsert("k", 4, JsonNodeFactory.instance.objectNode().put("total", 4))));
    assertEquals(5, target.read("k").orElseThrow().version());
  }
}
