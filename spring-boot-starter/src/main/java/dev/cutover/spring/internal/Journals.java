package dev.cutover.spring.internal;

import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.JdbcFailedWriteJournal;
import dev.cutover.spring.CutoverConfigurationException;
import dev.cutover.spring.CutoverProperties;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;

/** The JDBC failed-write journal on the application's DataSource ({@code cutover.journal.*}). */
final class Journals {
    private Journals() {}

    static FailedWriteJournal journal(CutoverProperties.Journal journal, ListableBeanFactory beans) {
        DataSource dataSource = Beans.named(
                beans, DataSource.class, journal.getDataSource(), "cutover.journal.data-source", "the journal");
        String prefix = journal.getTablePrefix();
        if (!JdbcFailedWriteJournal.IDENTIFIER.matcher(prefix).matches()) {
            throw new CutoverConfigurationException(
                    "cutover.journal.table-prefix",
                    prefix,
                    "which is not a table prefix",
                    "Use a lower-case letter, then up to 39 lower-case letters, digits or '_' (pattern "
                            + JdbcFailedWriteJournal.IDENTIFIER.pattern() + ")");
        }
        try {
            JdbcFailedWriteJournal built = JdbcFailedWriteJournal.builder(dataSource)
                    .tablePrefix(prefix)
                    .build();
            if (journal.isCreateTables()) {
                built.createSchemaIfMissing();
            }
            return built;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot open the JDBC journal (cutover.journal, table prefix '" + prefix + "'): " + e.getMessage(),
                    e);
        }
    }
}
