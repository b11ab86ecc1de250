package dev.cutover.replication.dynamodb;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;

/**
 * Kills a stream reader the way a crashed or frozen process dies: once {@link #kill()}ed, every call
 * its stream client, checkpoint store and handler make blocks (until {@link #bury()} at the end of
 * the test) and then fails. Nothing is released, no lease is renewed, no checkpoint is written:
 * the other readers find out only when the leases expire. Unit-level fault injection: the clients
 * wrapped are the real ones.
 */
final class KillSwitch {
    private volatile boolean dead;
    private final CountDownLatch buried = new CountDownLatch(1);

    void kill() {
        dead = true;
    }

    /** Lets the blocked threads go (failing), so the test can end. */
    void bury() {
        buried.countDown();
    }

    boolean dead() {
        return dead;
    }

    private void check() {
        if (dead) {
            try {
                buried.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("injected: this reader's process is dead");
        }
    }

    /** {@code real}, seen through this switch. */
    <T> T wrap(Class<T> type, T real) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(real, args);
            }
            check();
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }

    /** {@code handler}, seen through this switch. */
    ChangeHandler wrap(ChangeHandler handler) {
        return changes -> {
            check();
            handler.handle(changes);
        };
    }
}
