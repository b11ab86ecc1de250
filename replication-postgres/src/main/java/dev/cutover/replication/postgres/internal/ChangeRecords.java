package dev.cutover.replication.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import dev.cutover.replication.postgres.LogVersion;
import dev.cutover.replication.postgres.PostgresCaptureException;
import dev.cutover.replication.postgres.TableMapping;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns Debezium's records into Cutover changes: the key from the mapping's key columns, the
 * payload through the mapping, the version from the log position ({@link LogVersion}).
 *
 * <p>Not thread-safe: one instance per engine run, called from the engine's handler thread in log
 * order. It remembers the last version it made and refuses a version that does not increase, so
 * no change ever leaves with a version that could lose against an older one.
 */
public final class ChangeRecords {
    /** Offset entry of the last commit position (Debezium's {@code PostgresOffsetContext.LAST_COMMIT_LSN_KEY}). */
    static final String LAST_COMMIT_LSN = "lsn_commit";

    private final Map<String, TableMapping> tables;
    private long lastVersion;

    public ChangeRecords(List<TableMapping> tables) {
        this.tables = tables.stream().collect(Collectors.toMap(TableMapping::table, Function.identity()));
    }

    /** A change read from the log, with its commit time. */
    public record Captured(Change change, Instant commitTime) {}

    /** What a record is. */
    public enum Kind {
        /** An insert, update or delete of a captured table. */
        ROW,
        /** A {@code TRUNCATE}: not mirrored. */
        TRUNCATE,
        /** Anything else: transaction boundaries, heartbeats. */
        OTHER
    }

    /** What {@code record} is. */
    public static Kind kind(SourceRecord record) {
        if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
            return Kind.OTHER;
        }
        String op = value.getString("op");
        if ("t".equals(op)) {
            return Kind.TRUNCATE;
        }
        return "c".equals(op) || "u".equals(op) || "d".equals(op) || "r".equals(op) ? Kind.ROW : Kind.OTHER;
    }

    /** {@code schema.table} of a row or truncate record. */
    public static String table(SourceRecord record) {
        Struct source = ((Struct) record.value()).getStruct("source");
        return source.getString("schema") + "." + source.getString("table");
    }

    /** The LSN of a record's event, as PostgreSQL prints it, for messages. */
    public static String lsn(SourceRecord record) {
        Object lsn = record.sourceOffset().get("lsn");
        return lsn instanceof Number n ? LogVersion.lsnText(n.longValue()) : "unknown";
    }

    /**
     * The change of a {@link Kind#ROW} record.
     *
     * @throws PostgresCaptureException naming table, LSN and what is wrong: a table without a
     *     mapping, a null or missing key column, a value not in the log, a version that does not
     *     increase
     */
    public Captured map(SourceRecord record) {
        Struct value = (Struct) record.value();
        String table = table(record);
        TableMapping mapping = tables.get(table);
        if (mapping == null) {
            throw new PostgresCaptureException("a change of table '" + table + "' at LSN " + lsn(record)
                    + " has no mapping; captured tables: " + tables.keySet());
        }
        boolean delete = "d".equals(value.getString("op"));
        Struct row = value.getStruct(delete ? "before" : "after");
        if (row == null) {
            throw new PostgresCaptureException("a " + (delete ? "delete" : "change") + " of table '" + table
                    + "' at LSN " + lsn(record) + " carries no row image");
        }
        ObjectNode json;
        try {
            json = RowJson.of(row);
        } catch (RowJson.UnavailableValueException e) {
            throw new PostgresCaptureException("column '" + e.getMessage() + "' of a change of table '" + table
                    + "' at LSN " + lsn(record) + " is not in the log (an unchanged TOAST value of an update):"
                    + " ALTER TABLE " + table + " REPLICA IDENTITY FULL so that the log carries whole rows");
        }
        String key = key(mapping, json, record);
        long version = version(record);
        Change change = delete ? Change.delete(key, version) : Change.upsert(key, version, payload(mapping, json, key));
        Long micros = value.getStruct("source").getInt64("ts_us");
        Instant commitTime = micros == null
                ? Instant.EPOCH
                : Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        return new Captured(change, commitTime);
    }

    private long version(SourceRecord record) {
        Object commit = record.sourceOffset().get(LAST_COMMIT_LSN);
        if (!(commit instanceof Number)) {
            // never: every capture starts from an offset that has one (OffsetToken.seed)
            throw new PostgresCaptureException("the change at LSN " + lsn(record)
                    + " carries no commit position in its offset; refusing to give it a version");
        }
        long transactionLsn = ((Number) commit).longValue();
        Struct transaction = ((Struct) record.value()).getStruct("transaction");
        if (transaction == null) {
            throw new IllegalStateException("record at LSN " + lsn(record) + " has no transaction block");
        }
        long position = transaction.getInt64("total_order");
        long version;
        try {
            version = LogVersion.of(transactionLsn, position);
        } catch (IllegalArgumentException e) {
            throw new PostgresCaptureException(
                    "change at LSN " + lsn(record) + " has no version: " + e.getMessage(), e);
        }
        if (version <= lastVersion) {
            throw new PostgresCaptureException("version " + version + " of the change at LSN " + lsn(record)
                    + " (transaction at " + LogVersion.lsnText(transactionLsn) + ", change " + position
                    + ") does not exceed the previous change's version " + lastVersion
                    + "; refusing to apply changes whose versions do not increase along the log");
        }
        lastVersion = version;
        return version;
    }

    private static String key(TableMapping mapping, ObjectNode row, SourceRecord record) {
        List<String> columns = mapping.keyColumns();
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            JsonNode part = row.get(columns.get(i));
            if (part == null || part.isNull()) {
                throw new PostgresCaptureException("key column '" + columns.get(i) + "' of a change of table '"
                        + mapping.table() + "' at LSN " + lsn(record) + " is "
                        + (part == null ? "missing from the row image (not in the replica identity?)" : "null"));
            }
            String text = part.isBigDecimal() ? part.decimalValue().toPlainString() : part.asText();
            if (columns.size() == 1) {
                return text;
            }
            if (i > 0) {
                key.append('|');
            }
            key.append(text.replace("\\", "\\\\").replace("|", "\\|"));
        }
        return key.toString();
    }

    private static JsonNode payload(TableMapping mapping, ObjectNode row, String key) {
        JsonNode payload = mapping.payload().apply(row);
        return Objects.requireNonNull(
                payload, () -> "payload mapping of " + mapping.table() + " returned null for key " + key);
    }
}
