package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Truncates timestamps to a unit, so that stores keeping different precision compare equal.
 *
 * <ul>
 *   <li>Any string that parses as an ISO-8601 date-time with an offset ({@code
 *       2024-05-01T10:15:30.123456Z}, {@code 2024-05-01T12:15:30+02:00}) or without one ({@code
 *       2024-05-01T10:15:30.123}) is truncated and written back in one form per value: UTC as
 *       {@code Instant.toString()} does, other offsets and local date-times in the ISO format.
 *       The offset is kept: {@code 10:00Z} and {@code 12:00+02:00} stay different.
 *   <li>Numbers are epoch milliseconds only at the fields named: elsewhere a number is a number.
 *       They are floored to whole milliseconds, then truncated.
 * </ul>
 *
 * Idempotent: a truncated value parses again to the same value.
 */
final class TimestampTruncation extends TreeRewriter {
    /** Long's range has at most 19 integer digits. */
    private static final int LONG_DIGITS = 19;

    private final ChronoUnit unit;
    private final Set<String> epochMillisFields;

    TimestampTruncation(ChronoUnit unit, Set<String> epochMillisFields) {
        this.unit = unit;
        this.epochMillisFields = Set.copyOf(epochMillisFields);
    }

    @Override
    JsonNode leaf(JsonNode leaf, NodePath path) {
        if (leaf.isTextual()) {
            String truncated = truncate(leaf.textValue());
            return truncated == null ? leaf : TextNode.valueOf(truncated);
        }
        boolean epochMillis = path.isField() && epochMillisFields.contains(path.segment());
        if (epochMillis && leaf.isNumber() && !CanonicalTree.nonFinite(leaf)) {
            Long millis = floorToLong(CanonicalTree.decimal(leaf));
            return millis == null
                    ? leaf
                    : LongNode.valueOf(
                            Instant.ofEpochMilli(millis).truncatedTo(unit).toEpochMilli());
        }
        return leaf;
    }

    private @Nullable String truncate(String text) {
        if (!looksLikeDateTime(text)) {
            return null;
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(text).truncatedTo(unit);
            return time.getOffset().equals(ZoneOffset.UTC)
                    ? time.toInstant().toString()
                    : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time);
        } catch (DateTimeException noOffset) {
            try {
                return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                        LocalDateTime.parse(text).truncatedTo(unit));
            } catch (DateTimeException notATimestamp) {
                return null;
            }
        }
    }

    /** A cheap test before parsing, so that ordinary strings cost no exception: {@code dddd-dd-ddT}. */
    private static boolean looksLikeDateTime(String text) {
        if (text.length() < 16 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return false;
        }
        char t = text.charAt(10);
        if (t != 'T' && t != 't') {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The floor of a value as a long, or null outside long's range; cheap for any exponent. */
    private static @Nullable Long floorToLong(BigDecimal value) {
        int integerDigits = value.precision() - value.scale();
        if (integerDigits > LONG_DIGITS) {
            return null;
        }
        if (integerDigits <= 0) {
            return value.signum() < 0 ? -1L : 0L;
        }
        try {
            return value.setScale(0, RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException outOfRange) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "timestampPrecision(" + unit + (epochMillisFields.isEmpty() ? "" : ", " + epochMillisFields) + ")";
    }
}
