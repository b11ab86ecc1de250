package dev.cutover.dualwrite;

import dev.cutover.journal.FailedWrite;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps every report and failed write it is told about. */
public class RecordingListener implements MigrationListener {
    public final ConcurrentLinkedQueue<ComparisonReport> reports = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<FailedWrite> failedWrites = new ConcurrentLinkedQueue<>();
    public final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

    @Override
    public void onComparison(ComparisonReport report) {
        threads.add(Thread.currentThread().getName());
        reports.add(report);
    }

    @Override
    public void onShadowWriteFailed(FailedWrite write) {
        threads.add(Thread.currentThread().getName());
        failedWrites.add(write);
    }

    public List<ComparisonReport.Outcome> outcomes() {
        return reports.stream().map(ComparisonReport::outcome).toList();
    }
}
