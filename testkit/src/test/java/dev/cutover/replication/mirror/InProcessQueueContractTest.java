package dev.cutover.replication.mirror;

import dev.cutover.replication.spi.ChangeQueue;
import dev.cutover.testkit.contract.ChangeQueueContract;

/** The {@link ChangeQueue} contract on the bounded in-process queue, small enough to fill. */
class InProcessQueueContractTest extends ChangeQueueContract {
    @Override
    protected ChangeQueue createQueue() {
        return ChangeQueue.inProcess(16);
    }
}
