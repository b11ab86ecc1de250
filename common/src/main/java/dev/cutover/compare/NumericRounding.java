package dev.cutover.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Rounds every finite number to a number of decimal places, half to even, on its exact decimal
 * value (a double through its shortest decimal text, as {@code Double.toString} writes it).
 * Idempotent: a rounded number has at most that many places and is left alone.
 */
final class NumericRounding extends TreeRewriter {
    private final int places;

    NumericRounding(int places) {
        this.places = places;
    }

    @Override
    JsonNode leaf(JsonNode leaf, NodePath path) {
        if (!leaf.isNumber() || CanonicalTree.nonFinite(leaf)) {
            return leaf;
        }
        BigDecimal value = CanonicalTree.decimal(leaf);
        if (value.precision() - value.scale() < -places) {
            // below a tenth of the last place: rounds to zero (checked first, as setScale would be slow
            // for an exponent such as 1E-999999999)
            return DecimalNode.valueOf(BigDecimal.ZERO);
        }
        return value.scale() > places ? DecimalNode.valueOf(value.setScale(places, RoundingMode.HALF_EVEN)) : leaf;
    }

    @Override
    public String toString() {
        return "numericScale(" + places + ")";
    }
}
