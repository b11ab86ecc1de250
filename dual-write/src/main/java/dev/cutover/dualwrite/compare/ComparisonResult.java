package dev.cutover.dualwrite.compare;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of comparing an old and a new result.
 *
 * @param outcome match, mismatch, or error
 * @param differences the differing fields, empty unless {@link Outcome#MISMATCH}
 * @param error why the results could not be compared (for example a value Jackson cannot
 *     serialize), null unless {@link Outcome#ERROR}; names the type, never the data
 * @since 0.1.0
 */
public record ComparisonResult(Outcome outcome, List<Difference> differences, @Nullable String error) {

  /** Whether the two results are equivalent. */
  public enum Outcome {
    MATCH,
    MISMATCH,
    ERROR
  }

  public ComparisonResult {
    Objects.requireNonNull(outcome, "outcome");
    differences = List.copyOf(differences);
  }

  static ComparisonResult match() {
    return new ComparisonResult(Outcome.MATCH, List.of(), null);
  }

  static ComparisonResult error(String why) {
    return new ComparisonResult(Outcome.ERROR, List.of(), why);
  }

  /** Whether the results are equivalent. */
  public boolean matches() {
    return outcome == Outcome.MATCH;
  }
}
