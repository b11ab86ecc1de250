package dev.cutover.replication.dynamodb;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.ExactPayloadContract;

/** The {@link ExactPayloadContract} on DynamoDB Local, which keeps numbers of up to 38 digits. */
class DynamoDbExactPayloadContractTest extends ExactPayloadContract {
    private static final DynamoDbTryTargets TARGETS = new DynamoDbTryTargets("exact-payload");

    @Override
    protected VersionedTarget createTarget() {
        return TARGETS.fresh();
    }

    @Override
    protected int maxDecimalDigits() {
        return 38;
    }
}
