package dev.cutover.examples.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The analytics the app has today, the slow path of the story: every call reads all events into
 * memory, replays them into the current state of every entity, and filters and counts in Java.
 * Its cost grows with the whole history, whatever is asked.
 *
 * <p>It is kept exactly as it is during the migration: the proxy compares the warehouse against
 * it, until the warehouse answers alone.
 */
public final class OldAnalytics implements Analytics {
    private final EventStore store;

    public OldAnalytics(EventStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public @Nullable PresentationReport getReport(String presentationId) {
        Map<String, JsonNode> all = loadEverything();
        JsonNode p = all.get(presentationId);
        if (p == null || !presentationId.startsWith("pres-")) {
            return null;
        }
        Set<String> viewers = new HashSet<>();
        long sessions = 0;
        long ended = 0;
        long watched = 0;
        Map<Integer, Long> slides = new TreeMap<>();
        Map<String, Long> polls = new TreeMap<>(); // "poll choice"
        long questions = 0;
        long upvotes = 0;
        for (Map.Entry<String, JsonNode> e : all.entrySet()) {
            JsonNode f = e.getValue();
            if (!presentationId.equals(f.path("presentationId").asText(null))) {
                continue;
            }
            String id = e.getKey();
            if (id.startsWith("att-")) {
                viewers.add(f.get("viewerId").asText());
                sessions++;
                if (!f.get("leftAt").isNull()) {
                    ended++;
                    Instant joined = Instant.parse(f.get("joinedAt").asText());
                    watched += Duration.between(
                                    joined, Instant.parse(f.get("leftAt").asText()))
                            .toMillis();
                }
            } else if (id.startsWith("view-")) {
                slides.merge(f.get("slide").asInt(), 1L, Long::sum);
            } else if (id.startsWith("answer-")) {
                polls.merge(f.get("poll").asText() + " " + f.get("choice").asText(), 1L, Long::sum);
            } else if (id.startsWith("question-")) {
                questions++;
                upvotes += f.get("upvotes").asLong();
            }
        }
        // a double, as the old code always had it: exact to about 16 digits
        BigDecimal avg = ended == 0 ? null : BigDecimal.valueOf(watched / (ended * 1000.0));
        List<SlideViews> slideViews = new ArrayList<>();
        slides.forEach((slide, n) -> slideViews.add(new SlideViews(slide, n)));
        List<PollResult> pollResults = new ArrayList<>();
        polls.forEach((k, n) ->
                pollResults.add(new PollResult(k.substring(0, k.indexOf(' ')), k.substring(k.indexOf(' ') + 1), n)));
        return new PresentationReport(
                presentationId,
                p.get("title").asText(),
                p.get("presenter").asText(),
                viewers.size(),
                sessions,
                watched,
                avg,
                slideViews,
                pollResults,
                questions,
                upvotes);
    }

    @Override
    public CountryBreakdown listViewersByCountry(String presentationId) {
        Map<String, JsonNode> all = loadEverything();
        // a HashMap: the old API never promised an order, and its callers never relied on one
        Map<String, Set<String>> byCountry = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : all.entrySet()) {
            JsonNode f = e.getValue();
            if (e.getKey().startsWith("att-")
                    && presentationId.equals(f.get("presentationId").asText())) {
                String viewerId = f.get("viewerId").asText();
                JsonNode viewer = all.get(viewerId);
                if (viewer != null) {
                    byCountry
                            .computeIfAbsent(viewer.get("country").asText(), c -> new HashSet<>())
                            .add(viewerId);
                }
            }
        }
        List<CountryViewers> countries = new ArrayList<>();
        byCountry.forEach((country, viewers) -> countries.add(new CountryViewers(country, viewers.size())));
        return new CountryBreakdown(presentationId, countries);
    }

    @Override
    public List<TopPresentation> listTopPresentations(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 but was " + limit);
        }
        Map<String, JsonNode> all = loadEverything();
        Map<String, Set<String>> viewers = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : all.entrySet()) {
            if (e.getKey().startsWith("att-")) {
                viewers.computeIfAbsent(e.getValue().get("presentationId").asText(), p -> new HashSet<>())
                        .add(e.getValue().get("viewerId").asText());
            }
        }
        return all.entrySet().stream()
                .filter(e -> e.getKey().startsWith("pres-")
                        && !e.getValue().get("endedAt").isNull())
                .map(e -> new TopPresentation(
                        e.getKey(),
                        e.getValue().get("title").asText(),
                        viewers.getOrDefault(e.getKey(), Set.of()).size()))
                .sorted(Comparator.comparingLong(TopPresentation::viewers)
                        .reversed()
                        .thenComparing(TopPresentation::presentationId))
                .limit(limit)
                .collect(Collectors.toList());
    }

    /** Replays every event into the current state of every entity: the whole history, every call. */
    private Map<String, JsonNode> loadEverything() {
        Map<String, JsonNode> state = new HashMap<>();
        try {
            store.forEach(e -> {
                if (e.data() == null) {
                    state.remove(e.entityId());
                } else {
                    state.put(e.entityId(), e.data());
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the event store: " + e.getMessage(), e);
        }
        return state;
    }
}
