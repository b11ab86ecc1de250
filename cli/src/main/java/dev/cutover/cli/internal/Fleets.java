package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.dynamodb.DynamoDbFlagStore;
import dev.cutover.flags.fleet.FleetView;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.jdbc.JdbcFlagStore;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.WritableFlagStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * What {@code cutover fleet} and {@code --wait-fleet} share: the checked service name, the store's
 * heartbeats read with an error that says what to do, and one instance as a table row, a phrase
 * and a JSON object. Every name shown comes from a {@link Heartbeat}, which admits only {@link
 * Heartbeat#NAME_PATTERN}, and every table cell goes through {@link Table}'s escaping as well.
 */
final class Fleets {
    /** The columns of an instance row. */
    static final String[] HEADER = {
        "SERVICE", "INSTANCE", "REVISION", "BEHIND", "STAGES", "CLIENT", "HEARTBEAT", "STATUS"
    };

    private Fleets() {}

    /** {@code name} when it is a valid service name, else a usage error naming {@code option}. */
    static String checkService(String option, String name) {
        if (!Heartbeat.isValidName(name)) {
            throw CliException.invalid(
                    option,
                    "expected a service name of 1 to 128 letters, digits, '.', '-' or '_' (as the services give"
                            + " FleetHeartbeat)",
                    name);
        }
        return name;
    }

    /** The store as a heartbeat store, or an error saying that it keeps none. */
    static HeartbeatStore heartbeatStore(WritableFlagStore store, FlagStoreOptions.Location at, String after) {
        if (store instanceof HeartbeatStore heartbeats) {
            return heartbeats;
        }
        throw new CliException(
                Exit.FAILED,
                "the flag store at " + at.describe() + " (" + store.describe() + ") keeps no heartbeats" + after);
    }

    /**
     * The instances of {@code service} (all when null); a store that cannot be read is an error that
     * names a missing heartbeat table and the command that creates it. {@code after} ends the
     * message ("; nothing was written").
     */
    static List<FleetView.Instance> instances(
            FleetView view,
            @Nullable String service,
            WritableFlagStore flags,
            FlagStoreOptions.Location at,
            String after) {
        try {
            return view.instances(service);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.FAILED, "interrupted while reading the fleet's heartbeats" + after);
        } catch (Exception e) {
            throw unreadable(e, flags, at, after);
        }
    }

    /** The error for heartbeats that could not be read: a missing table by name, else the store's error. */
    static CliException unreadable(Exception e, WritableFlagStore flags, FlagStoreOptions.Location at, String after) {
        String missing = missingTable(e, flags, at);
        if (missing != null) {
            return new CliException(
                    Exit.FAILED,
                    "the flag store at " + at.describe() + " has no heartbeat table yet (" + missing
                            + " is missing); create it with 'cutover flags init' (same connection options)" + after);
        }
        return new CliException(
                Exit.FAILED,
                "cannot read the fleet's heartbeats at " + at.describe() + ": " + Errors.describe(e)
                        + "; if the store predates heartbeats, 'cutover flags init' adds them" + after);
    }

    /** The first table of a JDBC store's schema that does not exist, or null (also when that cannot be told). */
    private static @Nullable String missingTable(Exception e, WritableFlagStore flags, FlagStoreOptions.Location at) {
        if (flags instanceof DynamoDbFlagStore dynamoDb) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ResourceNotFoundException) {
                    return dynamoDb.heartbeatTable();
                }
            }
            return null;
        }
        if (!(flags instanceof JdbcFlagStore jdbc) || at.jdbcUrl() == null) {
            return null;
        }
        try {
            var ds = Jdbc.open(Objects.requireNonNull(at.jdbcUrl()), at.user(), at.password());
            for (String table : Schema.createdTables(jdbc.schemaStatements())) {
                if (!Schema.exists(ds, table)) {
                    return table;
                }
            }
            return null;
        } catch (SQLException | RuntimeException notTold) {
            return null;
        }
    }

    /** {@code service/instance}. */
    static String name(FleetView.Instance i) {
        return i.heartbeat().service() + "/" + i.heartbeat().instance();
    }

    /** The stages as {@code proxy=STAGE, ...}, or {@code -}. */
    static String stages(Heartbeat h) {
        if (h.stages().isEmpty()) {
            return "-";
        }
        return h.stages().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** LIVE or MISSED. */
    static String status(FleetView.Instance i) {
        return i.live() ? "LIVE" : "MISSED";
    }

    /** How many revisions {@code i} is behind {@code head}; 0 when it holds head or a later one. */
    static long behind(FleetView.Instance i, long head) {
        return Math.max(0, head - i.heartbeat().revision());
    }

    /** One row under {@link #HEADER}. */
    static String[] row(FleetView.Instance i, long head) {
        Heartbeat h = i.heartbeat();
        return new String[] {
            h.service(),
            h.instance(),
            Long.toString(h.revision()),
            Long.toString(behind(i, head)),
            stages(h),
            h.state() + " " + h.source(),
            Timeouts.show(i.age()) + " ago",
            status(i)
        };
    }

    /**
     * One instance in a sentence: {@code orders/orders-2 holds revision 16 (client STALE from STORE,
     * heartbeat 0.2s ago)}.
     */
    static String phrase(FleetView.Instance i) {
        Heartbeat h = i.heartbeat();
        return name(i) + " holds revision " + h.revision() + " (client " + h.state() + " from " + h.source()
                + ", stages " + stages(h) + ", last heartbeat " + Timeouts.show(i.age()) + " ago)";
    }

    /** Instances in sentences, separated by {@code ; }, at most {@code max} then "and N more". */
    static String phrases(List<FleetView.Instance> instances, int max) {
        return joined(instances, max, Fleets::phrase, "; ");
    }

    /** Instance names, separated by commas, at most {@code max} then "and N more". */
    static String names(List<FleetView.Instance> instances, int max) {
        return joined(instances, max, Fleets::name, ", ");
    }

    private static String joined(
            List<FleetView.Instance> instances, int max, Function<FleetView.Instance, String> shown, String separator) {
        List<String> parts = new ArrayList<>();
        instances.stream().limit(max).map(shown).forEach(parts::add);
        if (instances.size() > max) {
            parts.add("and " + (instances.size() - max) + " more");
        }
        return String.join(separator, parts);
    }

    /** Adds {@code instances} to {@code into}, each as an object (see the README's JSON shape). */
    static void json(ArrayNode into, List<FleetView.Instance> instances, long head) {
        for (FleetView.Instance i : instances) {
            Heartbeat h = i.heartbeat();
            ObjectNode o = into.addObject()
                    .put("service", h.service())
                    .put("instance", h.instance())
                    .put("revision", h.revision())
                    .put("behind", behind(i, head));
            ObjectNode stages = o.putObject("stages");
            h.stages().forEach(stages::put);
            o.put("state", h.state().name())
                    .put("source", h.source().name())
                    .put("sentAt", h.sentAt().toString())
                    .put("ageMillis", i.age().toMillis())
                    .put("intervalMillis", h.interval().toMillis())
                    .put("status", status(i));
        }
    }

    /** Revision to how many instances hold it, highest revision first. */
    static Map<Long, Integer> revisions(List<FleetView.Instance> instances) {
        Map<Long, Integer> held = new TreeMap<>(java.util.Comparator.reverseOrder());
        for (FleetView.Instance i : instances) {
            held.merge(i.heartbeat().revision(), 1, Integer::sum);
        }
        return held;
    }
}
