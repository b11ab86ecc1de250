package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Maps a result's tree to the form in which it is compared: two results are equivalent exactly
 * when their normalized forms are equal. Because equivalence is defined as "same image under one
 * function", it is reflexive, symmetric and transitive for any normalizer, built-in or custom,
 * as long as the normalizer is deterministic.
 *
 * <pre>{@code
 * Normalizer lowerCaseEmails = tree -> {
 *   if (!tree.has("email")) {
 *     return tree;
 *   }
 *   ObjectNode copy = tree.deepCopy();
 *   copy.put("email", tree.get("email").asText().toLowerCase(Locale.ROOT));
 *   return copy;
 * };
 * Comparison comparison = Comparison.builder().normalizer(lowerCaseEmails).build();
 * }</pre>
 *
 * <p>A normalizer must:
 *
 * <ul>
 *   <li>not mutate its input (copy, as above, or return a new tree): the same tree may be shared;
 *   <li>be deterministic and thread-safe: one instance serves every comparison;
 *   <li>return a tree, never {@code null} ({@code NullNode} for a null result). A {@code
 *       MissingNode} inside the tree counts as absent.
 * </ul>
 *
 * <p>It should also be idempotent (normalizing twice changes nothing more), as the built-ins in
 * {@link Normalizers} are. Anything it throws makes the comparison an {@link
 * ComparisonResult.Outcome#ERROR} naming the normalizer's class, never a failure of the caller.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface Normalizer {

    /** Returns the normalized form of {@code tree}, leaving {@code tree} unchanged. */
    JsonNode normalize(JsonNode tree);

    /** This normalizer, then {@code next} on its output. */
    default Normalizer andThen(Normalizer next) {
        Objects.requireNonNull(next, "next");
        return tree -> next.normalize(normalize(tree));
    }
}
