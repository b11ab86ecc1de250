package dev.cutover.concurrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
    private static final Runnable NOTHING = () -> {};

    @Test
    void aThreadIsADaemonWithItsNameAndNotStarted() {
        Thread t = DaemonThreads.newThread("cutover-test-listen", NOTHING);
        assertThat(t.getName()).isEqualTo("cutover-test-listen");
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getState()).isEqualTo(Thread.State.NEW);
        assertThat(t.getUncaughtExceptionHandler()).isSameAs(t.getThreadGroup());
    }

    @Test
    void numberedThreadsCountFromOneAndNamedOnesKeepTheName() {
        ThreadFactory numbered = DaemonThreads.numbered("cutover-test-pool");
        ThreadFactory named = DaemonThreads.named("cutover-test-timer");
        assertThat(numbered.newThread(NOTHING).getName()).isEqualTo("cutover-test-pool-1");
        assertThat(numbered.newThread(NOTHING).getName()).isEqualTo("cutover-test-pool-2");
        assertThat(DaemonThreads.numbered("cutover-test-pool")
                        .newThread(NOTHING)
                        .getName())
                .isEqualTo("cutover-test-pool-1");
        assertThat(named.newThread(NOTHING).getName()).isEqualTo("cutover-test-timer");
        assertThat(named.newThread(NOTHING).isDaemon()).isTrue();
        assertThat(numbered.newThread(NOTHING).isDaemon()).isTrue();
    }
}
