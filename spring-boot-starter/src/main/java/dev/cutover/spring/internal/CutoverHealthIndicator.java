package dev.cutover.spring.internal;

import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.FlagClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code cutover} health contributor, from {@link FlagClient#status()}.
 *
 * <table>
 *   <caption>client state to health status</caption>
 *   <tr><td>READY</td><td>UP</td></tr>
 *   <tr><td>STALE</td><td>UP: the last good snapshot (from the store or the backup file) is served;
 *       taking every instance out when the flag store blips would turn a store outage into a service
 *       outage. The details say STALE and the source.</td></tr>
 *   <tr><td>STARTING</td><td>OUT_OF_SERVICE: within the startup bound, nothing served yet</td></tr>
 *   <tr><td>FAILED</td><td>DOWN: code defaults are served</td></tr>
 *   <tr><td>CLOSED</td><td>OUT_OF_SERVICE</td></tr>
 * </table>
 */
final class CutoverHealthIndicator implements HealthIndicator {
    private final FlagClient client;
    private final DualWriteRepositories repositories;

    CutoverHealthIndicator(FlagClient client, DualWriteRepositories repositories) {
        this.client = client;
        this.repositories = repositories;
    }

    @Override
    public Health health() {
        ClientStatus status = client.status();
        Health.Builder health = Health.status(status(status.state()));
        describe(status).forEach(health::withDetail);
        Map<String, String> stages = repositories.stages();
        if (!stages.isEmpty()) {
            health.withDetail("stages", stages);
        }
        return health.build();
    }

    static Status status(ClientStatus.State state) {
        return switch (state) {
            case READY, STALE -> Status.UP;
            case STARTING, CLOSED -> Status.OUT_OF_SERVICE;
            case FAILED -> Status.DOWN;
        };
    }

    /** The client status as JSON-friendly details; a detail without a value is left out. */
    static Map<String, Object> describe(ClientStatus status) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", status.state().name());
        details.put("source", status.source().name());
        details.put("revision", status.revision());
        details.put("snapshotAge", status.snapshotAge().toString());
        if (status.lastSuccess() != null) {
            details.put("lastSuccess", status.lastSuccess().toString());
        }
        details.put("flags", status.flagCount());
        details.put("rejectedFlags", status.rejectedFlags());
        if (status.lastError() != null) {
            details.put("lastError", status.lastError());
        }
        return details;
    }
}
