package dev.cutover.testsupport;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * A real {@link DynamoDbClient} (DynamoDB Local's) with faults and hooks in front of it; an
 * operation is named by its method ({@code "transactWriteItems"}). Before a call goes through:
 * <ol>
 *   <li>it is counted, per operation;
 *   <li>a fault set with {@link #always} fails it, until {@link #clear()};
 *   <li>the fault at the head of the {@link #queue} fails it if it names its operation, and is used
 *       up: queued faults fail the next calls in queue order, and let calls of other operations by;
 *   <li>a hook set with {@link #before} runs (it may throw a fault, or write something first, to
 *       race the call), and stays for the next call if it returns true.
 * </ol>
 * Thread-safe.
 *
 * <pre>{@code
 * InterceptedDynamoDb dynamo = new InterceptedDynamoDb(LocalDynamoDb.client());
 * dynamo.queue(new InterceptedDynamoDb.Fault("getItem", InterceptedDynamoDb::throttled));
 * DynamoDbClient client = dynamo.client;   // what the code under test uses
 * }</pre>
 */
public final class InterceptedDynamoDb {
    /**
     * One injected failure of the next call to {@code operation}.
     *
     * @param operation the client method, such as {@code "getItem"}
     * @param error makes the exception the call throws
     */
    public record Fault(String operation, Supplier<RuntimeException> error) {}

    private final Queue<Fault> queued = new ConcurrentLinkedQueue<>();
    private final Map<String, Supplier<RuntimeException>> always = new ConcurrentHashMap<>();
    private final Map<String, Function<Object[], Boolean>> hooks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** The client to hand to the code under test: calls go through the faults and hooks to the real one. */
    public final DynamoDbClient client;

    /** Intercepts the calls to {@code target}. */
    public InterceptedDynamoDb(DynamoDbClient target) {
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

    /** Queues faults behind those already queued. */
    public void queue(Fault... faults) {
        queued.addAll(List.of(faults));
    }

    /** Faults queued and not yet used. */
    public int pending() {
        return queued.size();
    }

    /** Fails every call of {@code operation} with {@code error} until {@link #clear()}. */
    public void always(String operation, Supplier<RuntimeException> error) {
        always.put(operation, error);
    }

    /** Removes every fault and hook: calls go straight through again. */
    public void clear() {
        always.clear();
        queued.clear();
        hooks.clear();
    }

    /**
     * Runs {@code hook} with the call's arguments before each call of {@code operation} until it
     * returns false (or throws).
     */
    public void before(String operation, Function<Object[], Boolean> hook) {
        hooks.put(operation, hook);
    }

    /** The next {@code n} calls of {@code operation} are refused for capacity. */
    public void throttle(String operation, int n) {
        AtomicInteger left = new AtomicInteger(n);
        before(operation, args -> {
            if (left.getAndDecrement() > 0) {
                throw throttled();
            }
            return false;
        });
    }

    /** Calls of {@code operation} so far, failed ones included. */
    public int calls(String operation) {
        AtomicInteger n = calls.get(operation);
        return n == null ? 0 : n.get();
    }

    /** Calls of every operation so far. */
    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The error DynamoDB answers when a table's capacity is exceeded. */
    public static RuntimeException throttled() {
        return ProvisionedThroughputExceededException.builder()
                .message("The level of configured provisioned throughput for the table was exceeded (injected)")
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ProvisionedThroughputExceededException")
                        .build())
                .statusCode(400)
                .build();
    }

    /**
     * A cancelled transaction with these reason codes, one per item in the order of the items
     * ({@code "None"} for an item that was fine).
     */
    public static RuntimeException cancelled(String... reasonCodes) {
        return TransactionCanceledException.builder()
                .message("Transaction cancelled (injected) [" + String.join(", ", reasonCodes) + "]")
                .cancellationReasons(Arrays.stream(reasonCodes)
                        .map(code -> CancellationReason.builder().code(code).build())
                        .toList())
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("TransactionCanceledException")
                        .build())
                .statusCode(400)
                .build();
    }
}
