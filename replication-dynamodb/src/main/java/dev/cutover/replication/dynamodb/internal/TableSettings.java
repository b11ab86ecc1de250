package dev.cutover.replication.dynamodb.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The settings every builder of a table reader or writer shares, each checked when set and
 * naming a bad value: the client, the table name, the parallel-scan segments and the throttling
 * retry.
 */
public final class TableSettings {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}");
    /** Most segments DynamoDB allows in a parallel scan. */
    public static final int MAX_SEGMENTS = 1_000_000;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private int segments = 4;
    private int attempts = 8;
    private Duration backoff = Duration.ofMillis(25);

    public TableSettings(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = tableName(table);
    }

    /** {@code table} when it is a valid DynamoDB table name. */
    public static String tableName(String table) {
        Objects.requireNonNull(table, "table");
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException(
                    "table name must be 3 to 255 letters, digits, '_', '-' or '.' but was '" + table + "'");
        }
        return table;
    }

    /** {@code name} when it is a valid attribute name for {@code setting}. */
    public static String attributeName(String setting, String name) {
        Objects.requireNonNull(name, setting);
        if (name.isEmpty() || AttributeCodec.utf8Length(name) > 255) {
            throw new IllegalArgumentException(setting + " must be 1 to 255 bytes but was '" + name + "'");
        }
        return name;
    }

    /**
     * Checks that a builder of a record or item mapping got both its key and its version.
     *
     * @param subject what is built, for the message ("a scan source of orders")
     * @throws IllegalStateException naming what is missing
     */
    public static void requireKeyAndVersion(String subject, @Nullable Object key, @Nullable Object version) {
        if (key == null || version == null) {
            throw new IllegalStateException(subject + " needs " + (key == null ? "key(...)" : "")
                    + (key == null && version == null ? " and " : "") + (version == null ? "version(...)" : "")
                    + " set");
        }
    }

    /** {@code value} when it is 1 to 256 characters. */
    public static String name(String setting, String value) {
        Objects.requireNonNull(value, setting);
        if (value.isEmpty() || value.length() > 256) {
            throw new IllegalArgumentException(setting + " must be 1 to 256 characters but was '" + value + "'");
        }
        return value;
    }

    /** {@code value} when it is positive. */
    public static Duration positive(String setting, Duration value) {
        Objects.requireNonNull(value, setting);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(setting + " must be positive but was " + value);
        }
        return value;
    }

    public void segments(int segments) {
        if (segments < 1 || segments > MAX_SEGMENTS) {
            throw new IllegalArgumentException("segments must be 1 to " + MAX_SEGMENTS + " but was " + segments);
        }
        this.segments = segments;
    }

    public void throttleRetry(int maxAttempts, Duration initialBackoff) {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("throttleRetry maxAttempts must be >= 1 but was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException(
                    "throttleRetry initialBackoff must be positive but was " + initialBackoff);
        }
        this.attempts = maxAttempts;
        this.backoff = initialBackoff;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public String table() {
        return table;
    }

    public int segments() {
        return segments;
    }

    /** The throttling retry these settings describe, named after {@code name}. */
    public Throttling throttling(String name) {
        return new Throttling(name, attempts, backoff);
    }
}
