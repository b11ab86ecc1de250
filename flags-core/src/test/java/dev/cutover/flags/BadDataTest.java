package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.flags.metrics.FlagClientMetrics;
import dev.cutover.flags.spi.RawFlag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class BadDataTest {

    @Test
    void aBadFlagKeepsItsPreviousVersionWhileTheRestUpdate() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.booleanFlag("a", true), Flag.stringFlag("b", "one"));
        try (FlagClient client = FlagClient.builder(store).build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            FlagClientMetrics.of(client).bindTo(registry);
            store.publishRaw(List.of(
                    new RawFlag("a", 2, "{\"key\":\"a\",\"type\":\"boolean\",\"variants\":{\"true\":\"yes\"}}"),
                    new RawFlag("b", 2, Flag.stringFlag("b", "two").toJson()),
                    new RawFlag("c", 1, "{not json"),
                    new RawFlag(
                            "d",
                            1,
                            "{\"key\":\"d\",\"type\":\"boolean\",\"variants\":{\"true\":true},"
                                    + "\"rules\":[{\"clauses\":[{\"attribute\":\"x\",\"op\":\"regex\",\"values\":[\"y\"]}],"
                                    + "\"serve\":{\"variant\":\"true\"}}]}")));
            client.refreshNow();
            assertThat(client.booleanValue("a", false)).isTrue();
            assertThat(client.stringValue("b", EvaluationContext.empty(), "x")).isEqualTo("two");
            assertThat(client.booleanDetail("c", EvaluationContext.empty(), false)
                            .reason())
                    .isEqualTo(Reason.FLAG_NOT_FOUND);
            ClientStatus status = client.status();
            assertThat(status.revision()).isEqualTo(2);
            assertThat(status.rejectedFlags()).isEqualTo(3);
            assertThat(status.state()).isEqualTo(ClientStatus.State.READY);
            assertThat(registry.get("cutover.flags.rejected").functionCounter().count())
                    .isEqualTo(3.0);
        }
    }

    @Test
    void aDocumentTheStoreRejectsKeepsThePreviousVersionInsteadOfVanishing() {
        ScriptedStore store = new ScriptedStore();
        store.publish(Flag.stringFlag("stage", "SHADOW"));
        try (FlagClient client = FlagClient.builder(store).build()) {
            store.publishRaw(List.of(RawFlag.rejected("stage", 2, "body of 900000 bytes exceeds the limit of 262144")));
            client.refreshNow();
            assertThat(client.stringValue("stage", EvaluationContext.empty(), "?"))
                    .isEqualTo("SHADOW");
            assertThat(client.status().rejectedFlags()).isEqualTo(1);
            assertThat(client.status().revision()).isEqualTo(2);
        }
    }

    @Test
    void documentUnderTheWrongKeyIsRejected() {
        ScriptedStore store = new ScriptedStore();
        store.publishRaw(List.of(new RawFlag("a", 1, Flag.booleanFlag("z", true).toJson())));
        try (FlagClient client = FlagClient.builder(store).build()) {
            assertThat(client.status().rejectedFlags()).isEqualTo(1);
            assertThat(client.booleanDetail("a", EvaluationContext.empty(), false)
                            .reason())
                    .isEqualTo(Reason.FLAG_NOT_FOUND);
        }
    }
}
