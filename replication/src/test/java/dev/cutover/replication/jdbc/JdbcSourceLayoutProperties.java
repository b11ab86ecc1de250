package dev.cutover.replication.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.replication.spi.SegmentedSource;
import dev.cutover.testsupport.DatabaseKind;
import dev.cutover.testsupport.FreshTables;
import java.sql.SQLException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link JdbcSource#layout()} on H2: two sources have the same layout exactly when they have the
 * same boundaries, whatever else differs; boundaries that join to the same text stay apart.
 */
class JdbcSourceLayoutProperties {
    private static final FreshTables TABLES = FreshTables.on(DatabaseKind.H2, "source_layouts");
    private static final String TABLE = "layout_keys";

    @BeforeContainer
    static void createTable() throws SQLException {
        TABLES.execute("CREATE TABLE " + TABLE + " (id VARCHAR(100) NOT NULL PRIMARY KEY, rev BIGINT)");
    }

    /** Ascending boundary keys from a small alphabet, so that lists repeat and one key may hold another's joint. */
    @Provide
    Arbitrary<List<String>> boundaries() {
        return Arbitraries.of("a", "a,b", "ab", "b", "é", "e\u0301", "z")
                .list()
                .uniqueElements()
                .ofMaxSize(4)
                .map(keys -> keys.stream().sorted().toList());
    }

    @Property(tries = 200)
    void layoutsAreEqualExactlyWhenTheBoundariesAre(
            @ForAll("boundaries") List<String> a, @ForAll("boundaries") List<String> generated, @ForAll boolean same)
            throws SQLException {
        List<String> b = same ? List.copyOf(a) : generated;
        JdbcSource first = JdbcSource.builder(TABLES.dataSource())
                .table(TABLE)
                .keyColumn("id")
                .versionColumn("rev")
                .boundaries(a)
                .build();
        JdbcSource second = JdbcSource.builder(TABLES.dataSource())
                .query("SELECT id, rev FROM " + TABLE)
                .keyColumn("id")
                .versionColumn("rev")
                .boundaries(b)
                .build();
        assertThat(first.layout().equals(second.layout())).as("%s ~ %s", a, b).isEqualTo(a.equals(b));
        assertThat(first.layout())
                .startsWith("jdbc key ranges, " + (a.size() + 1) + " segments, ")
                .hasSizeLessThanOrEqualTo(SegmentedSource.MAX_LAYOUT_LENGTH);
    }
}
