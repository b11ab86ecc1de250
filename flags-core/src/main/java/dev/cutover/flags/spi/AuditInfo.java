package dev.cutover.flags.spi;

import java.util.Objects;

/**
 * Who makes a write and why; both are required and recorded in the audit history.
 *
 * @param actor the operator or system making the change
 * @param reason why, for the people who read the history later
 * @since 0.1.0
 */
public record AuditInfo(String actor, String reason) {

  /** Rejects blank values. */
  public AuditInfo {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    if (actor.isBlank()) {
      throw new IllegalArgumentException("actor must not be blank");
    }
    if (reason.isBlank()) {
      throw new IllegalArgumentException("reason must not be blank");
    }
  }
}
