package dev.cutover.testsupport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One database of each kind shared by every test class of a test JVM, created on first use and
 * kept until the JVM exits, for tests that each work on tables of their own, named by {@link
 * #uniqueName}. PostgreSQL and MariaDB are pooled (up to 12 connections), as a service would use
 * them; H2 is not.
 *
 * <pre>{@code
 * CheckpointStore store = JdbcCheckpointStore.builder(SharedDatabases.postgres(),
 *     SharedDatabases.uniqueName("checkpoints")).build();
 * }</pre>
 */
public final class SharedDatabases {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final Map<DatabaseKind, DataSource> DATABASES = new EnumMap<>(DatabaseKind.class);

    private SharedDatabases() {}

    /**
     * A name unique in this JVM, for a table: {@code hint} plus a counter. A lower-case hint makes a
     * name that needs no quotes on any of the databases.
     */
    public static String uniqueName(String hint) {
        return hint + "_" + NAMES.incrementAndGet();
    }

    /** The shared PostgreSQL database, pooled. */
    public static DataSource postgres() {
        return of(DatabaseKind.POSTGRES);
    }

    /** The shared MariaDB database, pooled. */
    public static DataSource mariaDb() {
        return of(DatabaseKind.MARIADB);
    }

    /** The shared H2 in-memory database, unpooled. */
    public static DataSource h2() {
        return of(DatabaseKind.H2);
    }

    /** The shared database of {@code kind}. */
    public static synchronized DataSource of(DatabaseKind kind) {
        return DATABASES.computeIfAbsent(kind, k -> {
            TestDatabase db = k.createDatabase("shared");
            return k == DatabaseKind.H2 ? db.dataSource() : db.pooled(12);
        });
    }
}
