package dev.cutover.flags.dynamodb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A real {@link DynamoDbClient} with faults injected in front of it, for unit-level fault
 * injection: queued faults fail the next calls of the named operation, in queue order (a fault at
 * the head of the queue lets calls of other operations through), and {@link #always} fails every
 * call of an operation until cleared. Calls are counted per operation.
 */
final class FaultyDynamoDb {
  /** One injected failure of the next call to {@code operation}. */
  record Fault(String operation, Supplier<RuntimeException> error) {}

  private final Queue<Fault> queued = new ConcurrentLinkedQueue<>();
  private final Map<String, Supplier<RuntimeException>> always = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final DynamoDbClient client;

  FaultyDynamoDb(DynamoDbClient target) {
    this.client = (DynamoDbClient) Proxy.newProxyInstance(
        DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, (p, m, a) -> {
          String op = m.getName();
          calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
          Supplier<RuntimeException> forever = always.get(op);
          if (forever != null) {
            throw forever.get();
          }
          Fault next = queued.peek();
          if (next != null && next.operation().equals(op) && queued.remove(next)) {
            throw next.error().get();
          }
          try {
            return m.invoke(target, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  void queue(Fault... faults) {
    queued.addAll(List.of(faults));
  }

  int pending() {
    return queued.size();
  }

  void always(String operation, Supplier<RuntimeException> error) {
    always.put(operation, error);
  }

  void clear() {
    always.clear();
    queued.clear();
  }

  int calls(String operation) {
    AtomicInteger n = calls.get(operation);
    return n == null ? 0 : n.get();
  }

  static RuntimeException throttled() {
    return ProvisionedThroughputExceededException.builder()
        .message("The level of configured provisioned throughput for the table was exceeded (injected)")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
        .statusCode(400)
        .build();
  }

  /** A cancelled flag/head/audit transaction with these reason codes, in item order. */
  static RuntimeException cancelled(String flag, String head, String audit) {
    return TransactionCanceledException.builder()
        .message("Transaction cancelled (injected) [" + flag + ", " + head + ", " + audit + "]")
        .cancellationReasons(reason(flag), reason(head), reason(audit))
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("TransactionCanceledException").build())
        .statusCode(400)
        .build();
  }

  private static CancellationReason reason(String code) {
    return CancellationReason.builder().code(code).build();
  }
}
