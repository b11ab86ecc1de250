package dev.cutover.cli.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A future ISO-8601 instant for {@code --effective-at}: {@code 2026-03-01T02:00:00Z} or with an
 * offset. An instant that is not in the future is refused: a unison flip is published ahead of time.
 */
public final class Instants implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        Instant at = parse(value);
        Instant now = Instant.now();
        if (!at.isAfter(now)) {
            throw new TypeConversionException(
                    at + " is not in the future (now " + now + "); leave it out to change now");
        }
        return at;
    }

    private static Instant parse(String value) {
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException notUtc) {
            try {
                return OffsetDateTime.parse(value.strip()).toInstant();
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("expected an ISO-8601 instant such as 2026-03-01T02:00:00Z or"
                        + " 2026-03-01T03:00:00+01:00 but was '" + value + "'");
            }
        }
    }
}
