package dev.cutover.benchmarks;

import com.launchdarkly.sdk.LDContext;
import com.launchdarkly.sdk.server.LDClient;
import com.launchdarkly.sdk.server.MigrationStage;
import com.launchdarkly.sdk.server.migrations.Migration;
import com.launchdarkly.sdk.server.migrations.MigrationBuilder;
import com.launchdarkly.sdk.server.migrations.MigrationExecution;
import com.launchdarkly.sdk.server.migrations.MigrationMethodResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * LaunchDarkly's {@link Migration} over an old and a new {@link Accounts}, its stage read with
 * {@code migrationVariation} from an {@link LDClient} fed by the file data source (the migration
 * flags in {@value #FLAGS_RESOURCE}), with events and diagnostics off, so it opens no connection.
 * The migration uses the builder's defaults (latency and error tracking on) and a consistency
 * check by {@code equals}; reads run as {@code execution} says. The caller passes the account id
 * as the payload and an {@link LDContext} keyed by it, so the flag is evaluated per entity as in
 * Cutover.
 */
public final class LaunchDarklyMigration implements AutoCloseable {

    static final String FLAGS_RESOURCE = "dev/cutover/benchmarks/launchdarkly-migration-flags.json";

    private final LDClient client;
    private final Migration<Account, Account, String, Account> migration;
    private final String flagKey;

    /**
     * Starts a client, waits until the file data is loaded and checks that the flag serves
     * {@code stage}.
     *
     * @param stage {@link MigrationStage#OFF} or {@link MigrationStage#SHADOW}: the stages the
     *     resource has a flag for
     */
    public LaunchDarklyMigration(
            Accounts oldStore, Accounts newStore, MigrationStage stage, MigrationExecution execution) {
        client = LaunchDarklyFlags.offlineClient(FLAGS_RESOURCE);
        flagKey = "accounts-migration-" + stage;
        if (!client.isInitialized()
                || client.migrationVariation(flagKey, LDContext.create("check"), MigrationStage.OFF)
                                .getStage()
                        != stage) {
            closeClient();
            throw new IllegalStateException(
                    "LaunchDarkly client did not load " + flagKey + " serving " + stage + " from " + FLAGS_RESOURCE);
        }
        migration = new MigrationBuilder<Account, Account, String, Account>(client)
                .readExecution(execution)
                .read(
                        id -> MigrationMethodResult.Success(oldStore.find(id).orElse(null)),
                        id -> MigrationMethodResult.Success(newStore.find(id).orElse(null)),
                        Objects::equals)
                // build() insists on writers too; the benchmarks only read
                .write(
                        account -> {
                            oldStore.save(account);
                            return MigrationMethodResult.Success(account);
                        },
                        account -> {
                            newStore.save(account);
                            return MigrationMethodResult.Success(account);
                        })
                .build()
                .orElseThrow();
    }

    /** A migration read of account {@code id}: its result, empty if the authoritative read failed. */
    public Optional<Account> read(String id) {
        return migration
                .read(flagKey, LDContext.create(id), MigrationStage.OFF, id)
                .getResult();
    }

    /**
     * Shuts the migration's thread pool down, then closes the client. {@code Migration} has no close
     * method; its private {@code Executors.newCachedThreadPool()} (non-daemon threads, used by
     * parallel reads) would otherwise stay alive for 60 s after its last task and keep the JMH fork
     * from exiting, so it is shut down by reflection.
     */
    @Override
    public void close() {
        try {
            Field pool = Migration.class.getDeclaredField("pool");
            pool.setAccessible(true);
            ((ExecutorService) pool.get(migration)).shutdownNow();
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("LaunchDarkly migration: could not shut its pool down: " + e);
        } finally {
            closeClient();
        }
    }

    private void closeClient() {
        try {
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
