package dev.cutover.testkit.contract;

import static dev.cutover.testkit.contract.FlagStoreContract.booleanFlagJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.Evaluation;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Subscription;
import dev.cutover.flags.spi.FlagStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The tests of {@link FlagStoreContract} that watch the store from outside: a {@link FlagClient}
 * over it rejecting only bad documents and picking up later writes, and push hints for a write.
 * Made by each test method of the contract, after the store under test was created; it reaches the
 * contract's hooks, so overrides apply.
 *
 * @param <S> the store type
 */
final class StoreClientChecks<S extends FlagStore> {
    private final FlagStoreContract<S> contract;
    private final S store;

    StoreClientChecks(FlagStoreContract<S> contract) {
        this.contract = contract;
        this.store = contract.store;
    }

    private void putRaw(S store, String key, String json) throws Exception {
        contract.putRaw(store, key, json);
    }

    private Map<String, String> badDocuments() {
        return contract.badDocuments();
    }

    private FlagClient newClient(S store) {
        return contract.newClient(store);
    }

    private <T extends AutoCloseable> T closeAfterTest(T resource) {
        return contract.closeAfterTest(resource);
    }

    private Duration pushDeadline() {
        return contract.pushDeadline();
    }

    private void awaitTrue(BooleanSupplier condition, Supplier<String> message) throws InterruptedException {
        contract.awaitTrue(condition, message);
    }

    void clientRejectsOnlyTheBadDocumentsAndServesTheOthers() throws Exception {
        Map<String, String> bad = badDocuments();
        putRaw(store, "contract.good.1", booleanFlagJson("contract.good.1", true));
        for (Map.Entry<String, String> e : bad.entrySet()) {
            putRaw(store, e.getKey(), e.getValue());
        }
        putRaw(
                store,
                "contract.good.2",
                Flag.stringFlag("contract.good.2", "DUAL_WRITE").toJson());
        long revision = store.headRevision();

        FlagClient client = newClient(store);
        awaitTrue(
                () -> client.status().revision() >= revision,
                () -> "client did not load revision " + revision + ": " + client.status());

        EvaluationContext ctx = EvaluationContext.of("customer-1");
        Evaluation<Boolean> good1 = client.booleanDetail("contract.good.1", ctx, false);
        assertEquals(true, good1.value(), () -> "contract.good.1: " + good1);
        Evaluation<String> good2 = client.stringDetail("contract.good.2", ctx, "default");
        assertEquals("DUAL_WRITE", good2.value(), () -> "contract.good.2: " + good2);
        for (String key : bad.keySet()) {
            Evaluation<Boolean> e = client.booleanDetail(key, ctx, false);
            assertFalse(e.value(), () -> "bad flag '" + key + "' was served: " + e);
            assertTrue(e.isDefault(), () -> "bad flag '" + key + "' was served: " + e);
        }
        ClientStatus status = client.status();
        assertEquals(bad.size(), status.rejectedFlags(), () -> "rejected flags in " + status);
        assertEquals(2, status.flagCount(), () -> "flags served in " + status);
    }

    void clientPicksUpLaterWrites() throws Exception {
        putRaw(store, "contract.live", booleanFlagJson("contract.live", false));
        FlagClient client = newClient(store);
        EvaluationContext ctx = EvaluationContext.of("customer-2");
        awaitTrue(
                () -> !client.booleanValue("contract.live", ctx, true),
                () -> "client never served the initial value: " + client.status());
        putRaw(store, "contract.live", booleanFlagJson("contract.live", true));
        awaitTrue(
                () -> client.booleanValue("contract.live", ctx, false),
                () -> "client did not pick up the write within " + pushDeadline() + ": " + client.status());
    }

    void pushHintArrivesForAWriteWhenTheStoreSupportsPush() throws Exception {
        CountDownLatch hinted = new CountDownLatch(1);
        AtomicInteger hints = new AtomicInteger();
        Subscription subscription = store.subscribe(() -> {
            hints.incrementAndGet();
            hinted.countDown();
        });
        assertNotNull(subscription, "subscribe() must return a subscription, or Subscription.NONE");
        closeAfterTest(subscription);
        if (subscription == Subscription.NONE) {
            // no push: polling is the client's only way, which clientPicksUpLaterWrites covers
            putRaw(store, "contract.push", booleanFlagJson("contract.push", true));
            assertEquals(1, store.load().flags().size());
            return;
        }
        putRaw(store, "contract.push", booleanFlagJson("contract.push", true));
        assertTrue(
                hinted.await(pushDeadline().toMillis(), TimeUnit.MILLISECONDS),
                "no push hint within " + pushDeadline() + " after a write");
        assertTrue(hints.get() >= 1);
        subscription.close();
        subscription.close(); // closing twice is harmless
    }
}
