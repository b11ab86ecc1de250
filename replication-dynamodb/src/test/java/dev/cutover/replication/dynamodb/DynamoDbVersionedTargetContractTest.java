package dev.cutover.replication.dynamodb;

import dev.cutover.replication.spi.VersionedTarget;
import dev.cutover.testkit.contract.VersionedTargetContract;
import dev.cutover.testsupport.LocalDynamoDb;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link VersionedTarget} contract on DynamoDB Local, three scan segments. Each try gets a
 * fresh key prefix, and every {@value #TRIES_PER_TABLE} tries a fresh table: a table per try costs
 * more than the try, and one table for all tries makes every segment scan read all of them.
 */
class DynamoDbVersionedTargetContractTest extends VersionedTargetContract {
    private static final int TRIES_PER_TABLE = 15;
    private static final AtomicInteger TRIES = new AtomicInteger();
    private static String table = "";

    @Override
    protected VersionedTarget createTarget() {
        int tryNumber = TRIES.getAndIncrement();
        synchronized (DynamoDbVersionedTargetContractTest.class) {
            if (tryNumber % TRIES_PER_TABLE == 0) {
                table = LocalDynamoDb.freshTable("contract-target");
                DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), table)
                        .build()
                        .createTableIfMissing();
            }
            return DynamoDbVersionedTarget.builder(LocalDynamoDb.client(), table)
                    .keyPrefix("try-" + tryNumber + "/")
                    .segments(3)
                    .maxInFlight(4)
                    .build();
        }
    }
}
