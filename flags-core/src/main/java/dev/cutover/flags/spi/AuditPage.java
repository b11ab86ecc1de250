package dev.cutover.flags.spi;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of a flag's history, newest first.
 *
 * @param records the records of this page
 * @param nextPageToken pass to the next call for older records; null on the last page
 * @since 0.1.0
 */
public record AuditPage(List<AuditRecord> records, @Nullable String nextPageToken) {

    /** Copies the list. */
    public AuditPage {
        records = List.copyOf(Objects.requireNonNull(records, "records"));
    }
}
