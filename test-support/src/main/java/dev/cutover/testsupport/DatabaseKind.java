package dev.cutover.testsupport;

/**
 * The real databases Cutover's JDBC code is tested on, each embedded in the test JVM: how to get a
 * fresh database on one, and how it quotes a name.
 *
 * <pre>{@code
 * TestDatabase db = DatabaseKind.MARIADB.createDatabase("orders_test");
 * String drop = "DROP TABLE IF EXISTS " + DatabaseKind.MARIADB.quote("orders");   // `orders`
 * }</pre>
 */
public enum DatabaseKind {
    /** PostgreSQL, on the {@link EmbeddedPostgresServer}. */
    POSTGRES,
    /** MariaDB (the MySQL dialect), on the {@link EmbeddedMariaDb}. */
    MARIADB,
    /** H2 in memory ({@link H2Databases}). */
    H2;

    /**
     * A new, empty database of this kind named after {@code hint} plus a counter; the embedded
     * server starts on first use.
     */
    public TestDatabase createDatabase(String hint) {
        return switch (this) {
            case POSTGRES -> EmbeddedPostgresServer.get().createDatabase(hint);
            case MARIADB -> EmbeddedMariaDb.get().createDatabase(hint);
            case H2 -> H2Databases.createDatabase(hint);
        };
    }

    /**
     * {@code identifier} as a quoted identifier of this database: in back-ticks on MariaDB, in
     * double quotes on PostgreSQL and H2 (a quote inside is doubled). Quoted names keep their case.
     */
    public String quote(String identifier) {
        String quote = this == MARIADB ? "`" : "\"";
        return quote + identifier.replace(quote, quote + quote) + quote;
    }
}
