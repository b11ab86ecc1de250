package dev.cutover.flags.dynamodb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A {@link DynamoDbClient} whose endpoint can go away and come back as a new instance, like a
 * network partition or a restarted DynamoDB Local: every call fails while it is down.
 */
final class SwitchableDynamoDb {
    final AtomicReference<DynamoDbClient> target = new AtomicReference<>();
    final DynamoDbClient client = (DynamoDbClient) Proxy.newProxyInstance(
            DynamoDbClient.class.getClassLoader(), new Class<?>[] {DynamoDbClient.class}, (p, m, a) -> {
                DynamoDbClient t = target.get();
                if (t == null) {
                    if (m.getName().equals("close") || m.getName().equals("serviceName")) {
                        return m.getName().equals("close") ? null : "dynamodb";
                    }
                    throw SdkClientException.create("endpoint unreachable (injected)");
                }
                try {
                    return m.invoke(t, a);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });

    void down() {
        target.set(null);
    }

    void up(DynamoDbClient instance) {
        target.set(instance);
    }
}
