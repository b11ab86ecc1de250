package dev.cutover.replication.dynamodb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * A real {@link DynamoDbClient} with a hook in front of it: calls are counted per operation, and a
 * hook set for an operation runs before each of its calls (it may throw a fault, or write
 * something first, to race the call). A hook returns true to stay installed.
 */
final class InterceptedDynamoDb {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, Function<Object[], Boolean>> hooks = new ConcurrentHashMap<>();
  final DynamoDbClient client;

  InterceptedDynamoDb(DynamoDbClient target) {
    this.client = (DynamoDbClient) Proxy.newProxyInstance(
        DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, (p, m, a) -> {
          String op = m.getName();
          calls.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
          Function<Object[], Boolean> hook = hooks.get(op);
          if (hook != null && !hook.apply(a == null ? new Object[0] : a)) {
            hooks.remove(op, hook);
          }
          try {
            return m.invoke(target, a);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  /** Runs {@code hook} before each call of {@code operation} until it returns false. */
  void before(String operation, Function<Object[], Boolean> hook) {
    hooks.put(operation, hook);
  }

  /** The next {@code n} calls of {@code operation} are refused for capacity. */
  void throttle(String operation, int n) {
    AtomicInteger left = new AtomicInteger(n);
    before(operation, args -> {
      if (left.getAndDecrement() > 0) {
        throw throttled();
      }
      return false;
    });
  }

  int calls(String operation) {
    AtomicInteger n = calls.get(operation);
    return n == null ? 0 : n.get();
  }

  int totalCalls() {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  static RuntimeException throttled() {
    return ProvisionedThroughputExceededException.builder()
        .message("The level of configured provisioned throughput for the table was exceeded (injected)")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
        .statusCode(400)
        .build();
  }
}
