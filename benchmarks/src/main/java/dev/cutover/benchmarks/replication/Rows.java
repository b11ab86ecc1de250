package dev.cutover.benchmarks.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.replication.Change;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of a run: version 1 to 9 of each key, and the same rows one version later, changed. */
final class Rows {
    final List<Change> v1;
    final List<Change> v2;
    final List<String> json;
    final int minBytes;
    final int maxBytes;

    /** Serializes the payloads, as the target does. */
    static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private static final String[] TIERS = {"free", "starter", "pro", "enterprise"};
    private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "NL", "ES", "IT", "SE"};
    private static final String[] TAGS = {"newsletter", "beta", "vip", "churn-risk", "partner", "trial", "eu", "b2b"};
    final double meanBytes;

    private static final Instant BASE = Instant.parse("2023-01-01T00:00:00Z");

    private Rows(List<Change> v1, List<Change> v2, List<String> json) {
        this.v1 = v1;
        this.v2 = v2;
        this.json = json;
        this.minBytes = json.stream()
                .mapToInt(j -> j.getBytes(StandardCharsets.UTF_8).length)
                .min()
                .orElse(0);
        this.maxBytes = json.stream()
                .mapToInt(j -> j.getBytes(StandardCharsets.UTF_8).length)
                .max()
                .orElse(0);
        this.meanBytes = json.stream()
                .mapToInt(j -> j.getBytes(StandardCharsets.UTF_8).length)
                .average()
                .orElse(0);
    }

    /**
     * {@code n} customers {@code c-000001}, {@code c-000002}, ...: a JSON payload of about 300
     * bytes (id, name, email, tier, country, counters, a flag, three timestamps, tags), deterministic.
     */
    static Rows generate(int n) {
        List<Change> v1 = new ArrayList<>(n);
        List<Change> v2 = new ArrayList<>(n);
        List<String> json = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            String key = String.format(Locale.ROOT, "c-%06d", i);
            ObjectNode p = payload(i, key);
            long version = version(i);
            v1.add(Change.upsert(key, version, p));
            ObjectNode changed = p.deepCopy();
            changed.put("orders", p.get("orders").asLong() + 1);
            changed.put(
                    "updatedAt",
                    Instant.parse(p.get("updatedAt").asText())
                            .plusSeconds(3_600)
                            .toString());
            v2.add(Change.upsert(key, version + 1, changed));
            json.add(p.toString());
        }
        return new Rows(List.copyOf(v1), List.copyOf(v2), List.copyOf(json));
    }

    /** The payload of customer {@code i} (from 1) under {@code key}: the same for the same arguments. */
    static ObjectNode payload(long i, String key) {
        long h = mix(i);
        ObjectNode p = MAPPER.createObjectNode();
        p.put("id", key);
        p.put("name", FIRST[(int) (h & 15)] + " " + LAST[(int) ((h >>> 4) & 15)]);
        p.put("email", FIRST[(int) (h & 15)].toLowerCase(Locale.ROOT) + "." + i + "@example.com");
        p.put("tier", TIERS[(int) ((h >>> 8) & 3)]);
        p.put("country", COUNTRIES[(int) ((h >>> 10) & 7)]);
        p.put("orders", (h >>> 13) & 1023);
        p.put("marketingOptIn", ((h >>> 23) & 1) == 1);
        Instant created = BASE.plusSeconds((h >>> 24) % 40_000_000L);
        p.put("createdAt", created.toString());
        p.put("updatedAt", created.plusSeconds((h >>> 40) % 5_000_000L).toString());
        p.put("lastLoginAt", created.plusSeconds((h >>> 30) % 9_000_000L).toString());
        var tags = p.putArray("tags");
        for (int t = 0; t < 1 + (int) ((h >>> 50) & 3); t++) {
            tags.add(TAGS[(int) ((h >>> (52 + 3 * t)) & 7)]);
        }
        return p;
    }

    /** The first version of customer {@code i}: 1 to 9. */
    static long version(long i) {
        return 1 + (mix(i) >>> 59) % 9;
    }

    private static final String[] FIRST = {
        "Jane",
        "John",
        "Ada",
        "Alan",
        "Grace",
        "Linus",
        "Margaret",
        "Ken",
        "Barbara",
        "Dennis",
        "Frances",
        "Edsger",
        "Radia",
        "Tim",
        "Sophie",
        "Niklaus"
    };
    private static final String[] LAST = {
        "Doe",
        "Roe",
        "Lovelace",
        "Turing",
        "Hopper",
        "Torvalds",
        "Hamilton",
        "Thompson",
        "Liskov",
        "Ritchie",
        "Allen",
        "Dijkstra",
        "Perlman",
        "Berners-Lee",
        "Wilson",
        "Wirth"
    };

    private static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return (x ^ (x >>> 33)) & Long.MAX_VALUE;
    }
}
