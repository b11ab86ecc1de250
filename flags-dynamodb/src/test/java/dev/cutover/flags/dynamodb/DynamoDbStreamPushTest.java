package dev.cutover.flags.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.testkit.Eventually;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsRequest;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.dynamodb.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/** Streams push on DynamoDB Local, including an expired iterator injected into the stream. */
class DynamoDbStreamPushTest {
  private static final String TABLE = "cutover-push";
  private static final AuditInfo AUDIT = new AuditInfo("ops", "push test");

  static {
    DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE).build().createTableIfMissing();
  }

  /** Delegates to DynamoDB Local's streams client and expires the next iterator on request. */
  static final class Faulty implements DynamoDbStreamsClient {
    final DynamoDbStreamsClient real = LocalDynamoDb.streams();
    final AtomicInteger expireNext = new AtomicInteger();
    final AtomicInteger expired = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public DescribeStreamResponse describeStream(DescribeStreamRequest request) {
      return real.describeStream(request);
    }

    @Override
    public GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
      return real.getShardIterator(request);
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
      reads.incrementAndGet();
      if (expireNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        expired.incrementAndGet();
        throw ExpiredIteratorException.builder().message("injected: iterator expired").build();
      }
      return real.getRecords(request);
    }

    @Override
    public String serviceName() {
      return real.serviceName();
    }

    @Override
    public void close() {}
  }

  @Test
  void writesArriveByStreamAndAnExpiredIteratorIsCoveredByAHint() throws Exception {
    Faulty faulty = new Faulty();
    DynamoDbFlagStore store = DynamoDbFlagStore.builder(LocalDynamoDb.client(), TABLE).keyPrefix("push")
        .streams(faulty).streamPollInterval(Duration.ofMillis(50)).build();
    store.put(Flag.booleanFlag("switch", true), 0, AUDIT);
    try (store; FlagClient client = FlagClient.builder(store).pollInterval(Duration.ofHours(1)).build()) {
      assertThat(client.booleanValue("switch", false)).isTrue();
      AtomicInteger hints = new AtomicInteger();
      dev.cutover.flags.Subscription counting = store.subscribe(hints::incrementAndGet);
      try {
        Eventually.within(Duration.ofSeconds(10), "reader reading the stream", () -> faulty.reads.get() > 0);
        long start = System.nanoTime();
        store.put(Flag.booleanFlag("switch", false), 1, AUDIT);
        Eventually.within(Duration.ofSeconds(10), "pushed within 5 s", () -> !client.booleanValue("switch", true));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        // an iterator expires: the reader restarts the shard and hints, so nothing is missed
        int before = hints.get();
        faulty.expireNext.set(1);
        Eventually.within(Duration.ofSeconds(10), "expired iterator handled", () -> faulty.expired.get() == 1 && hints.get() > before);
        store.put(Flag.booleanFlag("switch", true), 2, AUDIT);
        Eventually.within(Duration.ofSeconds(10), "push resumed", () -> client.booleanValue("switch", false));
      } finally {
        counting.close();
      }
    }
  }
}
