package dev.cutover.replication;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.spi.ReplaceOutcome;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.DriftRepairContract;
import java.time.Clock;

/**
 * {@link DriftRepairContract} in memory. The in-memory target has no way around its API, so an
 * edit behind its back is a compare-and-set on what it holds.
 */
class InMemoryDriftRepairContractTest extends DriftRepairContract {
    @Override
    protected VersionedTarget createTarget() {
        return new InMemoryVersionedTarget(3, Clock.systemUTC());
    }

    @Override
    protected void editBehindTheTargetsBack(VersionedTarget target, String key, JsonNode payload) {
        Change stored = ((InMemoryVersionedTarget) target).read(key).orElseThrow();
        ReplaceOutcome outcome = ((InMemoryVersionedTarget) target)
                .replaceIfUnchanged(
                        stored.version(), PayloadDigest.of(stored), Change.upsert(key, stored.version(), payload));
        if (outcome != ReplaceOutcome.REPLACED) {
            throw new IllegalStateException("edit of " + key + " did not land");
        }
    }
}
