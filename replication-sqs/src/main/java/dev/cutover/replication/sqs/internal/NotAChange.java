package dev.cutover.replication.sqs.internal;

import org.jspecify.annotations.Nullable;

/**
 * A message body that is not a change Cutover wrote: malformed JSON, an unknown format, kind or
 * version type. Carries the key when the body named one, and a reason that quotes no entity data.
 */
public final class NotAChange extends Exception {
    private static final long serialVersionUID = 1L;

    private final @Nullable String key;

    NotAChange(@Nullable String key, String reason) {
        super(reason, null, false, false);
        this.key = key;
    }

    /** The key the body named, or null when it named none (or not as text). */
    public @Nullable String key() {
        return key;
    }

    /** Why the body is not a change; never the body itself. */
    public String reason() {
        return String.valueOf(getMessage());
    }
}
