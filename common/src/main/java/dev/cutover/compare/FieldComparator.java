package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * Decides, for the fields at a path, whether an old and a new value are equivalent, where no
 * normalizer can say it: registered with {@link Comparison.Builder#compareAt}.
 *
 * <pre>{@code
 * Comparison comparison = Comparison.builder()
 *     .compareAt("/customer/email", (path, oldValue, newValue) ->
 *         oldValue.isTextual() && newValue.isTextual()
 *             ? oldValue.asText().equalsIgnoreCase(newValue.asText())
 *             : null) // not two strings: compare as usual
 *     .build();
 * }</pre>
 *
 * <p>It sees the normalized values, and an absent side as a {@code MissingNode}. It is consulted
 * for every path matching its pattern that the walk reaches, top down: an answer stops the walk
 * below that path; {@code null} lets the walk go on as without it. It is not consulted below a
 * path already decided (one side absent, different JSON types, or another comparator's answer), nor
 * for the elements of an unordered array, which are matched whole.
 *
 * <p><strong>Outside the equivalence guarantee.</strong> Normalizers make equivalence reflexive,
 * symmetric and transitive by construction; a comparator can break any of the three (a tolerance
 * such as {@code |a - b| < 0.01} is not transitive). Prefer a normalizer where one can express
 * the rule. A comparator must be thread-safe and quick; anything it throws makes the comparison an
 * {@link ComparisonResult.Outcome#ERROR} naming the path.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FieldComparator {

    /**
     * Whether the values at {@code path} are equivalent.
     *
     * @param path the JSON Pointer of the field, such as {@code /lines/0/price}
     * @param oldValue the old side's normalized value, {@code MissingNode} when absent
     * @param newValue the new side's normalized value, {@code MissingNode} when absent
     * @return {@code true}: equivalent, nothing reported below; {@code false}: one difference at
     *     {@code path}; {@code null}: no opinion, compare as usual
     */
    @Nullable
    Boolean equivalent(String path, JsonNode oldValue, JsonNode newValue);
}
