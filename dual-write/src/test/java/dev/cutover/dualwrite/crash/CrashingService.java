package dev.cutover.dualwrite.crash;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.Fault;
import dev.cutover.dualwrite.FaultyOrders;
import dev.cutover.dualwrite.InMemoryOrders;
import dev.cutover.dualwrite.Order;
import dev.cutover.dualwrite.OrderRepository;
import dev.cutover.dualwrite.Stage;
import dev.cutover.journal.JdbcFailedWriteJournal;
import dev.cutover.testkit.TestFlags;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A service that dual-writes with its journal on PostgreSQL until it is killed: started as a
 * separate JVM by {@link CrashGapTest}. The new store fails every second write, so keys keep
 * arriving in the proxy's memory on their way to the journal. Prints {@code RUNNING} once traffic
 * flows. Arguments: JDBC URL, user, table prefix.
 */
public final class CrashingService {
    private CrashingService() {}

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(args[0]);
        ds.setUser(args[1]);
        JdbcFailedWriteJournal journal =
                JdbcFailedWriteJournal.builder(ds).tablePrefix(args[2]).build();
        journal.createSchemaIfMissing();
        TestFlags flags = new TestFlags();
        flags.set("orders.migration", Stage.DUAL_WRITE.name());
        InMemoryOrders newData = new InMemoryOrders("new-");
        OrderRepository orders = DualWrite.of(OrderRepository.class)
                .oldStore(new InMemoryOrders("old-"))
                .newStore(new FaultyOrders(
                        newData, (m, k) -> k.hashCode() % 2 == 0 ? Fault.THROW : Fault.NONE, Duration.ofMillis(10)))
                .stageFlag(flags.client(), "orders.migration")
                .entityKey("save", a -> ((Order) a[0]).id())
                .journal(journal)
                .runHeartbeat(Duration.ofMillis(100))
                .build();
        boolean announced = false;
        for (long i = 0; ; i++) {
            orders.save(new Order("k" + (i % 10_000), "c", "NEW", i));
            if (!announced && i > 1_000) {
                System.out.println("RUNNING");
                System.out.flush();
                announced = true;
            }
        }
    }
}
