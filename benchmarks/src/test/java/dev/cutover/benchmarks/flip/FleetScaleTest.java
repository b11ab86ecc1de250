package dev.cutover.benchmarks.flip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.benchmarks.flip.CountingDataSource.Kind;
import dev.cutover.benchmarks.flip.FleetScale.Report;
import dev.cutover.benchmarks.flip.FleetScale.Settings;
import dev.cutover.benchmarks.flip.FleetScale.Skipped;
import dev.cutover.benchmarks.flip.FleetScale.Step;
import dev.cutover.testsupport.EmbeddedPostgresServer;
import dev.cutover.testsupport.TestDatabase;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet-at-scale program in miniature, on the same code as the recorded run but on the shared
 * embedded server (max_connections 200): poll only with 4 and 7 instances in processes of 3 (pools
 * of 2 read connections), push with 4, and a push step of 400 that cannot fit. Proves that every
 * instance serves every flip and loads it exactly once, that an idle fleet sends only head checks
 * and heartbeats, that the connections held are those of the pools, and that a push step beyond
 * the server's connections is reported, not run. No timing assertions.
 */
class FleetScaleTest {

    private static final int PER_PROCESS = 3;
    private static final int READ_CONNECTIONS = 2;
    private static final int FLIPS = 3;
    private static final int WARMUP = 1;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyInstanceServesEveryFlipAndThePushStepBeyondTheServerIsSkipped() throws Exception {
        Settings settings = new Settings(
                List.of(4, 7),
                List.of(4, 400),
                PER_PROCESS,
                READ_CONNECTIONS,
                Duration.ofMillis(200),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                FLIPS,
                WARMUP,
                Duration.ofMillis(20),
                0);
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.get();
        TestDatabase db = pg.createDatabase("fleet_scale");
        Report r;
        try (Connection monitor = pg.superuserConnection()) {
            r = FleetScale.run(settings, db.dataSource(), db.name(), monitor, System.out);
        }
        String tables = FleetScale.markdown(r);
        System.out.println(tables);

        assertThat(r.steps()).extracting(Step::mode).containsExactly(Mode.POLL, Mode.POLL, Mode.PUSH);
        assertThat(r.steps()).extracting(Step::instances).containsExactly(4, 7, 4);
        assertThat(r.steps()).extracting(Step::processes).containsExactly(2, 3, 2);
        for (Step st : r.steps()) {
            String step = st.mode() + " " + st.instances();
            FlipTimes t = st.times();
            assertThat(t.missedApplications())
                    .as(step + ": instance-flips never served")
                    .isZero();
            assertThat(t.eachNanos())
                    .as(step + ": one time per flip and instance")
                    .hasSize(FLIPS * st.instances());
            assertThat(t.allFlips()).isEqualTo(FLIPS + WARMUP);
            // one load per flip and instance: the head check keeps every other poll cheap
            assertThat(st.flipCounts().of(Kind.LOAD_FLAGS))
                    .as(step + ": loads")
                    .isEqualTo((long) (FLIPS + WARMUP) * st.instances());
            assertThat(st.idle().of(Kind.LOAD_FLAGS))
                    .as(step + ": loads without a write")
                    .isZero();
            assertThat(st.idle().totalStatements()
                            - st.idle().of(Kind.HEAD)
                            - st.idle().of(Kind.HEARTBEAT))
                    .as(step + ": anything but head checks and heartbeats while idle")
                    .isZero();
            // the pools are fixed-size; nothing else holds a connection to the database while idle
            int pools = ProcessFleet.connections(st.mode(), st.instances(), PER_PROCESS, READ_CONNECTIONS);
            assertThat(st.connectionsMax()).as(step + ": connections held").isBetween(1L, (long) pools);
            assertThat(st.jvmThreads()).isPositive();
        }
        for (Step poll : r.steps().subList(0, 2)) {
            // at one per 180 to 220 ms, a 1 s window holds 4 or more polls of each instance
            assertThat(poll.idle().of(Kind.HEAD)).as("poll: head checks").isGreaterThanOrEqualTo(poll.instances() * 3L);
            assertThat(poll.idle().of(Kind.HEARTBEAT)).as("poll: heartbeats").isPositive();
        }
        Step push = r.steps().get(2);
        assertThat(push.connectionsMax())
                .as("push: one LISTEN connection per instance")
                .isGreaterThanOrEqualTo(push.instances());

        int allowed = r.maxConnections() - FleetScale.RESERVED_CONNECTIONS;
        int needed = 400 + ProcessFleet.processes(400, PER_PROCESS) * READ_CONNECTIONS;
        assertThat(r.skipped()).containsExactly(new Skipped(400, needed, allowed));
        assertThat(tables)
                .contains(
                        "| poll only | 4 | 200 ms |",
                        "| poll only | 7 | 200 ms |",
                        "| push (LISTEN/NOTIFY) | 4 | 30 s |")
                .contains("Push with 400 instances not run: it holds " + needed + " connections");
    }
}
