package dev.cutover.replication.sqs.internal;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Waits for SDK futures on the caller's thread, so that an interrupt cancels the calls at once. */
final class Calls {
    private Calls() {}

    /**
     * Waits for every call; on an interrupt cancels them all (the SDK aborts the requests) and
     * throws.
     */
    static void awaitAll(List<? extends CompletableFuture<?>> calls) throws InterruptedException {
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get();
        } catch (InterruptedException e) {
            calls.forEach(c -> c.cancel(true));
            throw e;
        } catch (ExecutionException | CancellationException e) {
            // each call's own outcome is read by the caller
        }
    }

    /** The result of a completed call, or null when it failed; {@code onError} gets the failure. */
    static <T> T resultOrNull(CompletableFuture<T> call, java.util.function.Consumer<Throwable> onError) {
        try {
            return call.join();
        } catch (CompletionException | CancellationException e) {
            onError.accept(e.getCause() == null ? e : e.getCause());
            return null;
        }
    }
}
