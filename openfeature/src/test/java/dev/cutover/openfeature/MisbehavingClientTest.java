package dev.cutover.openfeature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Subscription;
import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.Value;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Fault injection: a FlagClient whose evaluations throw, which Cutover's own client never does.
 * The provider still never throws; it serves the default with {@code GENERAL} and the cause.
 */
class MisbehavingClientTest {

    private static FlagClient throwingClient(Throwable failure) {
        ClientStatus ready = new ClientStatus(
                ClientStatus.State.READY, ClientStatus.Source.STORE, 1, Instant.now(), Duration.ZERO, 1, 0, null);
        return (FlagClient) Proxy.newProxyInstance(
                FlagClient.class.getClassLoader(),
                new Class<?>[] {FlagClient.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "status" -> ready;
                    case "onAnyChange", "onChange" -> Subscription.NONE;
                    case "close" -> null;
                    case "toString" -> "throwing client";
                    default -> throw failure;
                });
    }

    @Test
    void exceptionsAndStackOverflowsBecomeGeneralErrors() {
        for (Throwable failure : new Throwable[] {new IllegalStateException("boom"), new StackOverflowError("deep")}) {
            CutoverProvider provider = CutoverProvider.of(throwingClient(failure));
            ImmutableContext ctx = new ImmutableContext("customer-1");

            ProviderEvaluation<Boolean> b = provider.getBooleanEvaluation("checkout", true, ctx);
            assertThat(b.getValue()).isTrue();
            assertThat(b.getReason()).isEqualTo("ERROR");
            assertThat(b.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
            assertThat(b.getErrorMessage()).contains("'checkout'").contains(failure.getMessage());

            assertThat(provider.getStringEvaluation("s", null, ctx).getValue()).isNull();
            assertThat(provider.getIntegerEvaluation("i", 4, ctx).getValue()).isEqualTo(4);
            assertThat(provider.getDoubleEvaluation("d", 0.5, ctx).getErrorCode())
                    .isEqualTo(ErrorCode.GENERAL);
            Value fallback = new Value("x");
            assertThat(provider.getObjectEvaluation("o", fallback, ctx).getValue())
                    .isSameAs(fallback);
            provider.shutdown();
        }
    }

    @Test
    void nullArgumentsNeverThrow() {
        try (dev.cutover.testkit.TestFlags flags = new dev.cutover.testkit.TestFlags()) {
            flags.set("checkout", true);
            CutoverProvider provider = CutoverProvider.of(flags.client());
            assertThat(provider.getBooleanEvaluation("checkout", null, null).getValue())
                    .isTrue();
            ProviderEvaluation<Boolean> nullKey = provider.getBooleanEvaluation(null, null, null);
            assertThat(nullKey.getValue()).isNull();
            assertThat(nullKey.getErrorCode()).isEqualTo(ErrorCode.GENERAL);
            assertThat(nullKey.getErrorMessage()).contains("flag key is null");
            assertThat(provider.getStringEvaluation("checkout", null, null).getErrorCode())
                    .isEqualTo(ErrorCode.TYPE_MISMATCH);
            assertThat(provider.getStringEvaluation("checkout", null, null).getValue())
                    .isNull();
            provider.shutdown();
        }
    }
}
