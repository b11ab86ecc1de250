package dev.cutover.dualwrite.internal;

import dev.cutover.compare.Comparison;
import dev.cutover.compare.ComparisonResult;
import dev.cutover.compare.Difference;
import dev.cutover.dualwrite.ComparisonReport.Outcome;
import dev.cutover.dualwrite.Side;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Decides what two answered reads amount to. Exceptions are outcomes too: the same exception class
 * on both sides is a match (an order not found in either store). An exception the method declares
 * is a business answer, so one store declaring "not found" where the other returns a value is a
 * mismatch; any other exception (a runtime failure of a store) on one side only is an error, not a
 * statement about the data. Messages name classes, never exception messages, which may carry data.
 * {@link Optional} results are unwrapped before comparing. Not API.
 *
 * @param outcome MATCH, MISMATCH or ERROR
 * @param differences from the comparison, when both returned
 * @param error the reason, for ERROR and for mismatching exceptions
 */
record ReadVerdict(
        Outcome outcome,
        List<Difference> differences,
        @Nullable String error) {

    static ReadVerdict of(
            Comparison comparison, Method method, Side authoritative, CallOutcome auth, CallOutcome shadow) {
        CallOutcome old = authoritative == Side.OLD ? auth : shadow;
        CallOutcome neu = authoritative == Side.OLD ? shadow : auth;
        if (auth.kind() == CallOutcome.Kind.RETURNED && shadow.kind() == CallOutcome.Kind.RETURNED) {
            ComparisonResult r = compare(comparison, old.value(), neu.value());
            return switch (r.outcome()) {
                case MATCH -> new ReadVerdict(Outcome.MATCH, List.of(), null);
                case MISMATCH -> new ReadVerdict(Outcome.MISMATCH, r.differences(), null);
                case ERROR -> new ReadVerdict(Outcome.ERROR, List.of(), r.error());
            };
        }
        if (auth.kind() == CallOutcome.Kind.THREW
                && shadow.kind() == CallOutcome.Kind.THREW
                && auth.errorClass().equals(shadow.errorClass())) {
            return new ReadVerdict(Outcome.MATCH, List.of(), null);
        }
        String what = "old " + did(old) + "; new " + did(neu);
        boolean business = declared(method, auth.error()) && declared(method, shadow.error());
        return new ReadVerdict(business ? Outcome.MISMATCH : Outcome.ERROR, List.of(), what);
    }

    /** Whether {@code error} is absent or declared by the method (a checked, business exception). */
    private static boolean declared(Method method, @Nullable Throwable error) {
        if (error == null) {
            return true;
        }
        if (error instanceof RuntimeException || error instanceof Error) {
            return false;
        }
        for (Class<?> type : method.getExceptionTypes()) {
            if (type.isInstance(error)) {
                return true;
            }
        }
        return false;
    }

    /** Whether two answers of the authoritative store are the same (the key did not change). */
    static boolean same(Comparison comparison, CallOutcome first, CallOutcome again) {
        if (first.kind() == CallOutcome.Kind.RETURNED && again.kind() == CallOutcome.Kind.RETURNED) {
            return compare(comparison, first.value(), again.value()).matches();
        }
        return first.kind() == CallOutcome.Kind.THREW
                && again.kind() == CallOutcome.Kind.THREW
                && first.errorClass().equals(again.errorClass());
    }

    private static ComparisonResult compare(Comparison comparison, @Nullable Object old, @Nullable Object neu) {
        try {
            return comparison.compare(unwrap(old), unwrap(neu));
        } catch (RuntimeException e) {
            // the comparison promises never to throw; a fault there must not escape either
            return new ComparisonResult(
                    ComparisonResult.Outcome.ERROR,
                    List.of(),
                    "the comparison threw " + e.getClass().getName());
        }
    }

    private static @Nullable Object unwrap(@Nullable Object value) {
        return value instanceof Optional<?> o ? o.orElse(null) : value;
    }

    private static String did(CallOutcome o) {
        return o.kind() == CallOutcome.Kind.RETURNED ? "returned a value" : "threw " + o.errorClass();
    }
}
