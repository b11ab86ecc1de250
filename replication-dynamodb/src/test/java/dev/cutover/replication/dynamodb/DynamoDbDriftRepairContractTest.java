package dev.cutover.replication.dynamodb;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.DriftRepairContract;

/** The {@link DriftRepairContract} on DynamoDB Local; edits behind its back by a plain {@code UpdateItem}. */
class DynamoDbDriftRepairContractTest extends DriftRepairContract {
    private static final DynamoDbTryTargets TARGETS = new DynamoDbTryTargets("drift-repair");

    @Override
    protected VersionedTarget createTarget() {
        return TARGETS.fresh();
    }

    @Override
    protected void editBehindTheTargetsBack(VersionedTarget target, String key, JsonNode payload) {
        TARGETS.editPayload((DynamoDbVersionedTarget) target, key, DynamoDbJson.toAttribute(payload));
    }
}
