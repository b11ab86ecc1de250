package dev.cutover.openfeature.internal;

import dev.cutover.openfeature.CutoverProvider;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Reaches the parts of a {@link CutoverProvider} that are not API, for this module's own packages
 * (the metrics binder), without making them public on the provider.
 *
 * <p>{@code CutoverProvider} registers the accessor in its static initializer, which has run by the
 * time anyone holds a provider to pass here.
 */
public final class ProviderAccess {
    private static volatile @Nullable BiConsumer<CutoverProvider, TrackingCounter> addTrackingCounter;

    private ProviderAccess() {}

    /** Called once by {@code CutoverProvider}'s static initializer. */
    public static void register(BiConsumer<CutoverProvider, TrackingCounter> trackingCounters) {
        addTrackingCounter = Objects.requireNonNull(trackingCounters, "trackingCounters");
    }

    /** Makes {@code provider} count every valid tracking event with {@code counter}, too. */
    public static void addTrackingCounter(CutoverProvider provider, TrackingCounter counter) {
        BiConsumer<CutoverProvider, TrackingCounter> access = addTrackingCounter;
        if (access == null) {
            throw new IllegalStateException("CutoverProvider is not initialized");
        }
        access.accept(Objects.requireNonNull(provider, "provider"), Objects.requireNonNull(counter, "counter"));
    }
}
