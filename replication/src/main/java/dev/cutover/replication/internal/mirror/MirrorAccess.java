package dev.cutover.replication.internal.mirror;

import dev.cutover.replication.Mirror;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reaches a {@link Mirror}'s engine from this module's other packages (the Micrometer binder)
 * without a public accessor on {@code Mirror}: {@code Mirror} registers the accessor when its class
 * is initialised, which happens before any mirror exists.
 */
public final class MirrorAccess {
    private static volatile Function<Mirror<?>, MirrorEngine<?>> engines = m -> {
        throw new IllegalStateException("Mirror is not initialised");
    };

    private MirrorAccess() {}

    /** Called once, by {@code Mirror}'s static initialiser. */
    public static void register(Function<Mirror<?>, MirrorEngine<?>> accessor) {
        engines = Objects.requireNonNull(accessor, "accessor");
    }

    /** The engine of a mirror. */
    public static MirrorEngine<?> engine(Mirror<?> mirror) {
        return engines.apply(Objects.requireNonNull(mirror, "mirror"));
    }
}
