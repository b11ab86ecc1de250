package dev.cutover.replication.internal.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.compare.Difference;
import dev.cutover.replication.ReconciliationReport;
import dev.cutover.replication.ReconciliationReport.Collision;
import dev.cutover.replication.ReconciliationReport.Counts;
import dev.cutover.replication.ReconciliationReport.Discrepancy;
import dev.cutover.replication.ReconciliationReport.Rejection;
import dev.cutover.replication.ReconciliationReport.RowError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The JSON form of a {@link ReconciliationReport} (schema {@value ReconciliationReport#SCHEMA};
 * the layout is documented on {@link ReconciliationReport#writeJson}). Written field by field
 * from a tree rather than by data binding, so that renaming a Java accessor cannot change the
 * file; written to a temporary file and moved into place, so that a reader never sees half a
 * report.
 */
public final class ReconciliationJson {
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReconciliationJson() {}

    public static void write(ReconciliationReport r, Path file) throws IOException {
        ObjectNode root = tree(r);
        Path target = file.toAbsolutePath();
        Path temp =
                Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        try {
            MAPPER.writeValue(temp.toFile(), root);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The report as the JSON tree of its file. */
    static ObjectNode tree(ReconciliationReport r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", ReconciliationReport.SCHEMA);
        root.put("oldSide", r.oldSide());
        root.put("newSide", r.newSide());
        root.put("startedAt", r.startedAt().toString());
        root.put("finishedAt", r.finishedAt().toString());
        root.put("durationMillis", r.duration().toMillis());
        root.put("buckets", r.buckets());
        root.put("differingBuckets", r.differingBuckets());
        root.put("rechecked", r.rechecked());
        root.put("clean", r.clean());
        root.put("truncated", r.truncated());
        Counts c = r.counts();
        ObjectNode counts = root.putObject("counts");
        counts.put("oldRows", c.oldRows());
        counts.put("newRows", c.newRows());
        counts.put("notMigrated", c.notMigrated());
        counts.put("missingInNew", c.missingInNew());
        counts.put("extraInNew", c.extraInNew());
        counts.put("different", c.different());
        counts.put("collisions", c.collisions());
        counts.put("errors", c.errors());
        counts.put("settledOnRecheck", c.settledOnRecheck());
        counts.put("rejected", c.rejected());
        discrepancies(root.putArray("missingInNew"), r.missingInNew());
        discrepancies(root.putArray("extraInNew"), r.extraInNew());
        discrepancies(root.putArray("different"), r.different());
        ArrayNode collisions = root.putArray("collisions");
        for (Collision col : r.collisions()) {
            ObjectNode o = collisions.addObject().put("key", col.key());
            col.oldKeys().forEach(o.putArray("oldKeys")::add);
        }
        ArrayNode errors = root.putArray("errors");
        for (RowError e : r.errors()) {
            errors.addObject().put("key", e.key()).put("side", e.side()).put("detail", e.detail());
        }
        ArrayNode rejected = root.putArray("rejected");
        for (Rejection x : r.rejected()) {
            rejected.addObject().put("key", x.key()).put("side", x.side()).put("reason", x.reason());
        }
        return root;
    }

    /** Reads a report from the JSON tree {@link #tree} made. */
    static ReconciliationReport fromTree(JsonNode root) {
        return report(root);
    }

    private static void discrepancies(ArrayNode array, List<Discrepancy> list) {
        for (Discrepancy d : list) {
            ObjectNode o = array.addObject().put("key", d.key());
            d.oldKeys().forEach(o.putArray("oldKeys")::add);
            o.put("oldVersion", d.oldVersion()).put("newVersion", d.newVersion());
            ArrayNode diffs = o.putArray("differences");
            for (Difference diff : d.differences()) {
                ObjectNode x = diffs.addObject()
                        .put("path", diff.path())
                        .put("kind", diff.kind().name());
                putIfPresent(x, "oldHash", diff.oldHash());
                putIfPresent(x, "newHash", diff.newHash());
                putIfPresent(x, "oldValue", diff.oldValue());
                putIfPresent(x, "newValue", diff.newValue());
            }
            o.put("differencesTruncated", d.differencesTruncated());
            putIfPresent(o, "oldDigest", d.oldDigest());
            putIfPresent(o, "newDigest", d.newDigest());
        }
    }

    private static void putIfPresent(ObjectNode o, String name, @Nullable String value) {
        if (value != null) {
            o.put(name, value);
        }
    }

    public static ReconciliationReport read(Path file) throws IOException {
        JsonNode root = MAPPER.readTree(file.toFile());
        String schema = root.path("schema").asText("");
        if (!ReconciliationReport.SCHEMA.equals(schema)) {
            throw new IOException(file + " is not a reconciliation report of schema " + ReconciliationReport.SCHEMA
                    + " but has schema '" + schema + "'");
        }
        try {
            return report(root);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a valid reconciliation report: " + e.getMessage(), e);
        }
    }

    private static ReconciliationReport report(JsonNode root) {
        JsonNode c = root.path("counts");
        Counts counts = new Counts(
                c.path("oldRows").asLong(),
                c.path("newRows").asLong(),
                c.path("notMigrated").asLong(),
                c.path("missingInNew").asLong(),
                c.path("extraInNew").asLong(),
                c.path("different").asLong(),
                c.path("collisions").asLong(),
                c.path("errors").asLong(),
                c.path("settledOnRecheck").asLong(),
                c.path("rejected").asLong());
        return new ReconciliationReport(
                text(root, "oldSide"),
                text(root, "newSide"),
                Instant.parse(text(root, "startedAt")),
                Instant.parse(text(root, "finishedAt")),
                root.path("buckets").asInt(),
                root.path("differingBuckets").asInt(),
                root.path("rechecked").asBoolean(),
                counts,
                list(root, "missingInNew", ReconciliationJson::discrepancy),
                list(root, "extraInNew", ReconciliationJson::discrepancy),
                list(root, "different", ReconciliationJson::discrepancy),
                list(root, "collisions", n -> new Collision(text(n, "key"), strings(n.path("oldKeys")))),
                list(root, "errors", n -> new RowError(text(n, "key"), text(n, "side"), text(n, "detail"))),
                list(root, "rejected", n -> new Rejection(optional(n, "key"), text(n, "side"), text(n, "reason"))));
    }

    private static Discrepancy discrepancy(JsonNode n) {
        List<Difference> diffs = new ArrayList<>();
        for (JsonNode d : n.path("differences")) {
            diffs.add(new Difference(
                    text(d, "path"),
                    Difference.Kind.valueOf(text(d, "kind")),
                    optional(d, "oldHash"),
                    optional(d, "newHash"),
                    optional(d, "oldValue"),
                    optional(d, "newValue")));
        }
        return new Discrepancy(
                text(n, "key"),
                strings(n.path("oldKeys")),
                n.path("oldVersion").asLong(),
                n.path("newVersion").asLong(),
                diffs,
                n.path("differencesTruncated").asBoolean(),
                optional(n, "oldDigest"),
                optional(n, "newDigest"));
    }

    private static <T> List<T> list(JsonNode root, String field, Function<JsonNode, T> reader) {
        List<T> out = new ArrayList<>();
        for (JsonNode n : root.path(field)) {
            out.add(reader.apply(n));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(
                    "reconciliation report: field '" + field + "' is missing or not a string");
        }
        return v.textValue();
    }

    private static @Nullable String optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
