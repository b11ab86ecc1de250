package dev.cutover.benchmarks.flip;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Counts, for one service instance, the requests its {@code DynamoDbFlagStore} sends: a {@link
 * Proxy} over the {@link DynamoDbClient} and one over the {@link DynamoDbStreamsClient} interface,
 * both counting into the same counters and delegating every call to the real client.
 *
 * <p>A request is counted once, where it is sent: at a call that takes the SDK request object
 * ({@code getItem(GetItemRequest)}) and returns the response. The SDK's consumer-builder overloads
 * ({@code getItem(Consumer<GetItemRequest.Builder>)}, which the store uses) are default methods that
 * build the request and call the request overload on {@code this}; the proxy runs them as
 * themselves, on the proxy, so that call is counted and the overload is not counted a second time.
 * Paginators and waiters are passed to the real client and not counted; the instances use neither
 * ({@code createTableIfMissing} waits with a waiter, and only the writer calls it).
 */
final class CountingDynamoDb {

    /** The requests the instances send, by operation. */
    enum Call {
        /** {@code GetItem}: a head check, or the first read of a load. */
        GET_ITEM,
        /** {@code Query}: one page of the flags partition, the second read of a load. */
        QUERY,
        /** {@code DescribeStream}: the stream reader looking for shards. */
        DESCRIBE_STREAM,
        /** {@code GetShardIterator}: the stream reader opening a shard. */
        GET_SHARD_ITERATOR,
        /** {@code GetRecords}: the stream reader reading a shard; billed as a streams read request. */
        GET_RECORDS,
        /** {@code PutItem}: an instance's heartbeat. */
        PUT_ITEM,
        /** Anything else, such as the {@code DescribeTable} of {@code subscribe}. */
        OTHER;

        static Call of(String method) {
            return switch (method) {
                case "getItem" -> GET_ITEM;
                case "query" -> QUERY;
                case "describeStream" -> DESCRIBE_STREAM;
                case "getShardIterator" -> GET_SHARD_ITERATOR;
                case "getRecords" -> GET_RECORDS;
                case "putItem" -> PUT_ITEM;
                default -> OTHER;
            };
        }
    }

    /** A point-in-time copy of the counters. */
    record Counts(long[] calls) implements Tally<Counts> {
        long of(Call call) {
            return calls[call.ordinal()];
        }

        /** Requests to the streams endpoint: {@code DescribeStream}, {@code GetShardIterator}, {@code GetRecords}. */
        long streamRequests() {
            return of(Call.DESCRIBE_STREAM) + of(Call.GET_SHARD_ITERATOR) + of(Call.GET_RECORDS);
        }

        @Override
        public Counts minus(Counts earlier) {
            long[] d = new long[calls.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = calls[i] - earlier.calls[i];
            }
            return new Counts(d);
        }

        @Override
        public Counts plus(Counts other) {
            long[] d = new long[calls.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = calls[i] + other.calls[i];
            }
            return new Counts(d);
        }

        static Counts zero() {
            return new Counts(new long[Call.values().length]);
        }
    }

    private final AtomicLongArray calls = new AtomicLongArray(Call.values().length);

    /** A client that counts into this instance's counters and delegates to {@code real}. */
    DynamoDbClient dynamoDb(DynamoDbClient real) {
        return proxy(DynamoDbClient.class, real);
    }

    /** A streams client that counts into this instance's counters and delegates to {@code real}. */
    DynamoDbStreamsClient streams(DynamoDbStreamsClient real) {
        return proxy(DynamoDbStreamsClient.class, real);
    }

    /** The counters now. */
    Counts counts() {
        long[] c = new long[calls.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = calls.get(i);
        }
        return new Counts(c);
    }

    long of(Call call) {
        return calls.get(call.ordinal());
    }

    private <T> T proxy(Class<T> type, T real) {
        return type.cast(Proxy.newProxyInstance(
                CountingDynamoDb.class.getClassLoader(), new Class<?>[] {type}, new Handler(real)));
    }

    private final class Handler implements InvocationHandler {
        private final Object real;

        Handler(Object real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (args != null && args.length == 1) {
                if (args[0] instanceof Consumer<?> && method.isDefault()) {
                    // builds the request and calls the request overload on the proxy, which counts it once
                    return InvocationHandler.invokeDefault(proxy, method, args);
                }
                if (args[0] instanceof SdkRequest && SdkResponse.class.isAssignableFrom(method.getReturnType())) {
                    calls.incrementAndGet(Call.of(method.getName()).ordinal());
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
