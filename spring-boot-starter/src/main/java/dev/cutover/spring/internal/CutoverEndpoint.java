package dev.cutover.spring.internal;

import dev.cutover.dualwrite.DualWriteControl;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.fleet.FleetView;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.spi.StoreSnapshot;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.journal.Gap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * {@code /actuator/cutover}: GET shows the flags (version, and the store's revision beside the one
 * served), each dual-write proxy's stage and counts, the journal's depth and open gaps, and the
 * fleet's heartbeats when the store keeps them. POST
 * {@code /actuator/cutover/{flag}} with {@code {"move": "next" | "back" | "<STAGE>", "reason": "..."}}
 * moves a stage flag one step (see {@link StageMoves}).
 */
@WebEndpoint(id = "cutover")
public final class CutoverEndpoint {
    private final @Nullable FlagClient client;
    private final @Nullable FlagStore store;
    private final @Nullable FailedWriteJournal journal;
    private final DualWriteRepositories repositories;
    private final StageMoves moves;

    CutoverEndpoint(
            @Nullable FlagClient client,
            @Nullable FlagStore store,
            @Nullable FailedWriteJournal journal,
            DualWriteRepositories repositories,
            boolean allowAnonymousWrites) {
        this.client = client;
        this.store = store;
        this.journal = journal;
        this.repositories = repositories;
        this.moves = new StageMoves(
                store instanceof dev.cutover.flags.spi.WritableFlagStore w ? w : null, journal, allowAnonymousWrites);
    }

    /** Everything the operator of a migration looks at. */
    @ReadOperation
    public Map<String, Object> cutover() {
        Map<String, Object> body = new LinkedHashMap<>();
        FlagClient c = client;
        if (c != null) {
            body.put("client", CutoverHealthIndicator.describe(c.status()));
        }
        FlagStore s = store;
        if (s != null) {
            body.put("store", s.describe());
            try {
                StoreSnapshot snapshot = s.load();
                body.put("storeRevision", snapshot.revision());
                List<Map<String, Object>> flags = new ArrayList<>();
                for (RawFlag raw : snapshot.flags()) {
                    flags.add(flag(raw));
                }
                body.put("flags", flags);
            } catch (Exception e) {
                body.put("storeError", String.valueOf(e.getMessage()));
            }
        }
        if (s instanceof HeartbeatStore heartbeats) {
            body.put("fleet", fleet(heartbeats));
        }
        Map<String, Object> proxies = new LinkedHashMap<>();
        repositories.entries().forEach((name, e) -> proxies.put(name, repository(e)));
        body.put("repositories", proxies);
        FailedWriteJournal j = journal;
        if (j != null) {
            Map<String, Object> journalBody = new LinkedHashMap<>();
            try {
                journalBody.put("depth", j.pendingCount());
                List<Map<String, Object>> gaps = new ArrayList<>();
                for (Gap g : j.openGaps(Instant.now())) {
                    Map<String, Object> gap = new LinkedHashMap<>();
                    gap.put("id", g.id());
                    gap.put("repository", g.repository());
                    gap.put("kind", g.kind().name());
                    gap.put("from", g.from().toString());
                    gap.put("to", g.to().toString());
                    gap.put("detail", g.detail());
                    gaps.add(gap);
                }
                journalBody.put("openGaps", gaps);
            } catch (Exception e) {
                journalBody.put("error", String.valueOf(e.getMessage()));
            }
            body.put("journal", journalBody);
        }
        return body;
    }

    /**
     * Moves the stage flag {@code flag} one step.
     *
     * @param flag the stage flag key
     * @param move {@code next}, {@code back}, or the name of the adjacent stage
     * @param reason why, recorded in the audit history; a default text when absent
     * @param security who asks: the principal is the audit actor
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> move(
            @Selector String flag, String move, @Nullable String reason, SecurityContext security) {
        StageMoves.Result result = moves.move(flag, move, reason, security.getPrincipal());
        FlagClient c = client;
        if (result.status() == StageMoves.OK && c != null) {
            c.refreshNow(); // this instance's proxies follow at once; the others within a poll interval
        }
        return new WebEndpointResponse<>(result.body(), result.status());
    }

    /** Every instance's last heartbeat, live or missed, as {@code cutover fleet} lists them. */
    private static Object fleet(HeartbeatStore heartbeats) {
        try {
            List<Map<String, Object>> instances = new ArrayList<>();
            for (FleetView.Instance i : FleetView.of(heartbeats).instances()) {
                Heartbeat h = i.heartbeat();
                Map<String, Object> instance = new LinkedHashMap<>();
                instance.put("service", h.service());
                instance.put("instance", h.instance());
                instance.put("revision", h.revision());
                instance.put("stages", h.stages());
                instance.put("state", h.state().name());
                instance.put("source", h.source().name());
                instance.put("live", i.live());
                instance.put("age", i.age().toString());
                instances.add(instance);
            }
            return instances;
        } catch (Exception e) {
            return Map.of("error", String.valueOf(e.getMessage()));
        }
    }

    private static Map<String, Object> flag(RawFlag raw) {
        Map<String, Object> flag = new LinkedHashMap<>();
        flag.put("key", raw.key());
        flag.put("version", raw.version());
        if (raw.rejection() != null) {
            flag.put("rejected", raw.rejection());
            return flag;
        }
        try {
            Flag parsed = Flag.fromJson(raw.json(), raw.key());
            flag.put("type", parsed.type().name());
            flag.put("on", parsed.on());
            parsed.effectiveAt().ifPresent(at -> flag.put("effectiveAt", at.toString()));
        } catch (RuntimeException e) {
            flag.put("rejected", String.valueOf(e.getMessage()));
        }
        return flag;
    }

    private static Map<String, Object> repository(DualWriteRepositories.Entry e) {
        DualWriteControl control = e.control();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("interface", e.type().getName());
        body.put("stageFlag", e.spec().stageFlag());
        body.put("stage", control.stage(null).name());
        body.put("pendingShadowWork", control.pendingShadowWork());
        DualWriteControl.Counts counts = control.counts();
        Map<String, Object> countsBody = new LinkedHashMap<>();
        countsBody.put("shadowWritesSucceeded", counts.shadowWritesSucceeded());
        Map<String, Long> missed = new LinkedHashMap<>();
        counts.shadowWritesMissed().forEach((reason, n) -> missed.put(reason.name(), n));
        countsBody.put("shadowWritesMissed", missed);
        Map<String, Long> comparisons = new LinkedHashMap<>();
        counts.comparisons().forEach((outcome, n) -> comparisons.put(outcome.name(), n));
        countsBody.put("comparisons", comparisons);
        countsBody.put("unknownStages", counts.unknownStages());
        body.put("counts", countsBody);
        DualWriteControl.JournalStatus js = control.journalStatus();
        Map<String, Object> journal = new LinkedHashMap<>();
        journal.put("waiting", js.waiting());
        journal.put("journaled", js.journaled());
        journal.put("gapOpened", js.gapOpened());
        journal.put("lastError", js.lastError());
        body.put("journal", journal);
        return body;
    }
}
