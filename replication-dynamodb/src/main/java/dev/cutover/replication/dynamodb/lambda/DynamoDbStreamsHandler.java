package dev.cutover.replication.dynamodb.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.replication.dynamodb.DynamoDbJson;
import dev.cutover.replication.dynamodb.DynamoDbStreamReader;
import dev.cutover.replication.dynamodb.ItemKey;
import dev.cutover.replication.dynamodb.ItemVersion;
import dev.cutover.replication.dynamodb.internal.TableSettings;
import dev.cutover.replication.dynamodb.internal.lambda.HandlerCounters;
import dev.cutover.replication.dynamodb.internal.lambda.StreamBatchApply;
import dev.cutover.replication.spi.VersionedTarget;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An AWS Lambda function that replicates an old DynamoDB table into a new store from the table's
 * stream: each batch of stream records becomes {@link dev.cutover.replication.Change}s, applied
 * through a {@link VersionedTarget}, and a failure is reported by the sequence number of the
 * first record that failed, so that Lambda retries from there and not the whole batch.
 *
 * <p>Lambda builds the handler class named in the function's configuration with its no-argument
 * constructor, once per execution environment, and calls it for every batch. So a function is a
 * subclass whose constructor configures the handler; the clients and the target it builds there
 * are built once per environment and reused by every invocation:
 *
 * <pre>{@code
 * public final class OrdersSync extends DynamoDbStreamsHandler {
 *   public OrdersSync() {
 *     super(DynamoDbStreamsHandler.builder(
 *             DynamoDbVersionedTarget.builder(DynamoDbClient.create(), "orders-v2").build())
 *         .key(ItemKey.attribute("id"))
 *         .version(ItemVersion.attribute("version"))
 *         .journal(JdbcFailedWriteJournal.builder(dataSource).build()));
 *   }
 * }
 * }</pre>
 *
 * (or {@link Builder#build()} one into a field of a handler class of your own and call its {@link
 * #handleRequest}). The event source mapping must list {@code ReportBatchItemFailures} in its
 * {@code FunctionResponseTypes}; without it Lambda ignores the response and treats every batch as
 * a success.
 *
 * <p><b>Records to changes</b>, exactly as a {@link DynamoDbStreamReader} makes them: {@code
 * INSERT} and {@code MODIFY} an upsert of the new image, {@code REMOVE} (also a TTL expiry) a
 * delete, leaving a tombstone; the key from the record's keys ({@link ItemKey}), the version from
 * the images ({@link ItemVersion#attribute} makes replication exact; see there), the payload from
 * the new image (the whole image by default, numbers and binary exactly). The Lambda event model's
 * attribute values are converted to the AWS SDK's value for value. The stream's view type must
 * carry new images, and old images for a version read from them ({@code NEW_AND_OLD_IMAGES} for
 * {@link ItemVersion#attribute}): a batch of another view type fails whole with an {@link
 * IllegalStateException}, nothing applied, so a misconfigured stream is an invocation error and
 * not a flood of refused records.
 *
 * <p><b>A failed batch.</b> The changes are applied as one batch (the DynamoDB target writes them
 * in parallel). If the target throws, they are applied again one at a time in record order, and
 * the first one that fails is reported: every record before it is then applied (or refused, see
 * below). Lambda resumes the shard from the reported record, so it and every record after it come
 * again, including those whose changes landed before the failure: the versioned apply answers
 * {@code DUPLICATE} for them and stores nothing twice. Records are never reported out of order and
 * never skipped; a failure costs, for that invocation, one call per change up to the failed one.
 *
 * <p><b>Refused records.</b> A record that can never be applied, however often it comes, is
 * refused alone and the rest of the batch goes on: one the mapping cannot make a change of (a
 * malformed item, a missing or non-numeric version attribute, a key the key mapping rejects, an
 * unknown event) or whose change the target refuses with an {@link IllegalArgumentException} (an
 * item DynamoDB would not store). Reporting it as failed would stop the shard on it until the
 * stream drops it after 24 hours, and every write behind it with it. Instead it is logged at ERROR
 * with its sequence number, event and key, counted ({@link StreamsHandlerCounts#refused()}), and
 * appended to the {@link Builder#journal journal} with its change key (or keyless, when the key
 * itself could not be made), where a {@code Repair} from the journal, or the next reconciliation,
 * settles it from the old table. The append happens before the response: if the journal fails, the
 * record is reported as failed instead, so it comes again rather than being skipped unrecorded.
 * Without a journal the ERROR line is the only record.
 *
 * <p><b>What is guaranteed</b>, with {@code ReportBatchItemFailures} on and Lambda's retries not
 * limited (or limited with an on-failure destination, whose records then need a repair): every
 * stream record is applied to the target at least once, or refused and recorded; versions in the
 * target never decrease; a key deleted last stays deleted (its tombstone outranks every older
 * record, redelivered or late). The target ends equal to the old table once the stream is
 * processed, as a reconciliation shows.
 *
 * <p>Thread-safe, and without state per invocation; the handler never closes the target or its
 * clients (an execution environment is frozen, not closed). Counts: {@link #counts()}, and {@link
 * StreamsHandlerMetrics} for Micrometer.
 *
 * @since 0.2.0
 */
public class DynamoDbStreamsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStreamsHandler.class);

    private final String name;
    private final HandlerCounters counters = new HandlerCounters();
    private final StreamBatchApply batches;

    /**
     * The handler {@code builder} configures: the constructor a subclass calls from its own
     * no-argument constructor.
     *
     * @throws IllegalStateException when the key or the version was not set
     */
    protected DynamoDbStreamsHandler(Builder builder) {
        Objects.requireNonNull(builder, "builder");
        TableSettings.requireKeyAndVersion(
                "a DynamoDB Streams handler into " + builder.target.describe(), builder.key, builder.version);
        this.name = builder.name;
        this.batches = new StreamBatchApply(
                name,
                builder.target,
                Objects.requireNonNull(builder.key),
                Objects.requireNonNull(builder.version),
                builder.payload,
                builder.journal,
                builder.clock,
                counters);
        if (builder.journal == null) {
            LOG.warn(
                    "{}: no journal set: a refused stream record is only logged; set journal(...) so a repair finds"
                            + " its key",
                    name);
        }
    }

    /** Starts configuring a handler that applies to {@code target}. */
    public static Builder builder(VersionedTarget target) {
        return new Builder(target);
    }

    /**
     * Applies one batch of stream records.
     *
     * @param event the batch, one shard's records in their order; null or without records is an
     *     empty batch
     * @param context not used: may be null
     * @return no batch item failure when every record was applied or refused; else one, the
     *     sequence number of the first record that was not
     * @throws IllegalStateException when the records' stream view type lacks the images needed;
     *     nothing was applied, and Lambda retries the batch
     */
    @Override
    public final StreamsEventResponse handleRequest(@Nullable DynamodbEvent event, @Nullable Context context) {
        List<DynamodbEvent.DynamodbStreamRecord> records =
                event == null || event.getRecords() == null ? List.of() : event.getRecords();
        String failed = batches.handle(records);
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>(1);
        if (failed != null) {
            failures.add(new StreamsEventResponse.BatchItemFailure(failed));
        }
        return new StreamsEventResponse(failures);
    }

    /** What this handler did so far. */
    public final StreamsHandlerCounts counts() {
        return new StreamsHandlerCounts(
                counters.invocations.sum(),
                counters.records.sum(),
                counters.applied.sum(),
                counters.duplicate.sum(),
                counters.superseded.sum(),
                counters.failed.sum(),
                counters.refused.sum());
    }

    /** The name given to the builder: log lines, journal entries, metrics tags. */
    public final String name() {
        return name;
    }

    /**
     * Configures a {@link DynamoDbStreamsHandler}; {@link #key} and {@link #version} are required.
     * Each setting is checked when set, naming a bad value.
     *
     * @since 0.2.0
     */
    public static final class Builder {
        /** Longest name: what a JDBC journal stores as the repository of an entry. */
        private static final int MAX_NAME_LENGTH = 200;

        private final VersionedTarget target;
        private @Nullable ItemKey key;
        private @Nullable ItemVersion version;
        private Function<Map<String, AttributeValue>, JsonNode> payload = DynamoDbJson::toJson;
        private @Nullable FailedWriteJournal journal;
        private String name = "dynamodb-streams";
        private Clock clock = Clock.systemUTC();

        private Builder(VersionedTarget target) {
            this.target = Objects.requireNonNull(target, "target");
        }

        /** The change key of a record's keys (required); see {@link ItemKey}. */
        public Builder key(ItemKey key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** The version of a record's images (required); see {@link ItemVersion}. */
        public Builder version(ItemVersion version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** The payload of a new image; default the whole image ({@link DynamoDbJson#toJson(Map)}). */
        public Builder payload(Function<Map<String, AttributeValue>, JsonNode> payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            return this;
        }

        /**
         * Where refused records are recorded for repair (repository: the {@link #name}, method
         * {@code lambda}, target {@code NEW}); default none: an ERROR log line only. A journal
         * that outlives the function: a {@code JdbcFailedWriteJournal}.
         */
        public Builder journal(FailedWriteJournal journal) {
            this.journal = Objects.requireNonNull(journal, "journal");
            return this;
        }

        /** Names the handler in logs, journal entries and metrics tags; default {@code dynamodb-streams}. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
                throw new IllegalArgumentException(
                        "name must be 1 to " + MAX_NAME_LENGTH + " characters, not blank, but was '" + name + "'");
            }
            this.name = name;
            return this;
        }

        /** The clock of journal entries for records without a creation time; default the system's UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the handler; makes no call.
         *
         * @throws IllegalStateException when the key or the version was not set
         */
        public DynamoDbStreamsHandler build() {
            return new DynamoDbStreamsHandler(this);
        }
    }
}
