package dev.cutover.spring.internal;

import dev.cutover.flags.FlagClient;
import dev.cutover.flags.StalenessPolicy;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.spring.CutoverConfigurationException;
import dev.cutover.spring.CutoverProperties;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/** Builds the {@link FlagClient} from {@code cutover.flags.*}, each setting checked by the client's builder. */
final class FlagClients {
    private FlagClients() {}

    static FlagClient create(CutoverProperties.Flags flags, FlagStore store, Settings settings) {
        FlagClient.Builder b = FlagClient.builder(store);
        settings.apply(
                "cutover.flags.poll-interval", flags.getPollInterval(), () -> b.pollInterval(flags.getPollInterval()));
        settings.apply("cutover.flags.poll-jitter", flags.getPollJitter(), () -> b.pollJitter(flags.getPollJitter()));
        settings.apply(
                "cutover.flags.startup-timeout",
                flags.getStartupTimeout(),
                () -> b.startupTimeout(flags.getStartupTimeout()));
        settings.apply(
                "cutover.flags.store-timeout", flags.getStoreTimeout(), () -> b.storeTimeout(flags.getStoreTimeout()));
        String policyName = Settings.choice(
                "cutover.flags.staleness-policy", flags.getStalenessPolicy(), "keep-last-good", "serve-defaults");
        StalenessPolicy policy =
                policyName.equals("keep-last-good") ? StalenessPolicy.KEEP_LAST_GOOD : StalenessPolicy.SERVE_DEFAULTS;
        Duration maxStaleness = flags.getMaxStaleness();
        if (maxStaleness != null) {
            settings.apply("cutover.flags.max-staleness", maxStaleness, () -> b.maxStaleness(maxStaleness, policy));
        } else if (policy != StalenessPolicy.KEEP_LAST_GOOD) {
            throw new CutoverConfigurationException(
                    "cutover.flags.max-staleness",
                    null,
                    "but cutover.flags.staleness-policy is " + policyName + ", which applies only past it",
                    "Set cutover.flags.max-staleness (for example 5m), or leave the policy at keep-last-good");
        }
        String backup = flags.getBackupFile();
        if (backup != null) {
            if (backup.isBlank()) {
                throw new CutoverConfigurationException(
                        "cutover.flags.backup-file", backup, "which is blank", "Set a file path, or leave it out");
            }
            try {
                b.backupFile(Path.of(backup));
            } catch (InvalidPathException e) {
                throw new CutoverConfigurationException(
                        "cutover.flags.backup-file",
                        backup,
                        "which is not a valid path: " + e.getReason(),
                        "Set a file path, or leave it out");
            }
        }
        return b.build();
    }
}
