package dev.cutover.replication.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.Change;
import dev.cutover.replication.kafka.internal.ChangeCodec;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The record format alone: every change reads back exactly as written; its key is the record key. */
class ChangeCodecProperties {

    @Property(tries = 1000)
    void aChangeReadsBackExactly(@ForAll("changes") Change change) throws Exception {
        Change back = ChangeCodec.decode(ChangeCodec.value(change));

        assertThat(back).isEqualTo(change);
        assertThat(back.payload()).isEqualTo(change.payload());
        assertThat(ChangeCodec.keyText(ChangeCodec.key(change))).isEqualTo(change.key());
        assertThat(new String(ChangeCodec.key(change), StandardCharsets.UTF_8)).isEqualTo(change.key());
    }

    @Provide
    Arbitrary<Change> changes() {
        return ChangeArbitraries.changes();
    }
}
