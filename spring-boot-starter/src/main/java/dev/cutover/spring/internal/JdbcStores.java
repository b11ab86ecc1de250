package dev.cutover.spring.internal;

import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.spring.CutoverConfigurationException;
import dev.cutover.spring.CutoverProperties;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;

/** The JDBC flag store on the application's DataSource; loaded only when flags-jdbc is present. */
final class JdbcStores {
    private JdbcStores() {}

    static FlagStore flagStore(CutoverProperties.Jdbc jdbc, ListableBeanFactory beans, Settings settings) {
        DataSource dataSource = Beans.named(
                beans, DataSource.class, jdbc.getDataSource(), "cutover.flags.jdbc.data-source", "the flag store");
        String prefix = jdbc.getTablePrefix();
        if (!JdbcFlagStore.IDENTIFIER.matcher(prefix).matches()) {
            throw new CutoverConfigurationException(
                    "cutover.flags.jdbc.table-prefix",
                    prefix,
                    "which is not a table prefix",
                    "Use a lower-case letter, then up to 39 lower-case letters, digits or '_' (pattern "
                            + JdbcFlagStore.IDENTIFIER.pattern() + ")");
        }
        try {
            JdbcFlagStore store =
                    JdbcFlagStore.builder(dataSource).tablePrefix(prefix).build();
            if (jdbc.isCreateTables()) {
                store.createSchemaIfMissing();
            }
            return store;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot open the JDBC flag store (cutover.flags.store=jdbc, table prefix '" + prefix + "'): "
                            + e.getMessage(),
                    e);
        }
    }
}
