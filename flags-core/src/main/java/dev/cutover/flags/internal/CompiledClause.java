package dev.cutover.flags.internal;

import dev.cutover.flags.Clause;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Operator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A clause with its values pre-sorted by kind. Matching allocates nothing except for semver
 * operators, which parse the context attribute (bounded to {@value SemVer#MAX_LENGTH} characters).
 * Integral numbers compare exactly as {@code long}; others as {@code double}.
 */
final class CompiledClause {
  private final String attribute;
  private final Operator op;
  private final boolean negate;
  private final String[] strings;
  private final Set<String> stringSet;
  private final double[] numbers;
  private final long[] integers;
  private final boolean[] booleans;
  private final SemVer[] versions;

  CompiledClause(Clause clause) {
    this.attribute = clause.attribute();
    this.op = clause.operator();
    this.negate = clause.negate();
    List<String> s = new ArrayList<>();
    List<Double> n = new ArrayList<>();
    List<Long> whole = new ArrayList<>();
    List<Boolean> b = new ArrayList<>();
    List<SemVer> v = new ArrayList<>();
    for (Object value : clause.values()) {
      if (value instanceof String str) {
        s.add(str);
        if (op.isSemver()) {
          SemVer parsed = SemVer.parse(str);
          if (parsed != null) {
            v.add(parsed);
          }
        }
      } else if (isIntegral(value)) {
        whole.add(((Number) value).longValue());
      } else if (value instanceof Number num) {
        n.add(num.doubleValue());
      } else if (value instanceof Boolean bool) {
        b.add(bool);
      }
    }
    this.strings = s.toArray(new String[0]);
    this.stringSet = new HashSet<>(s);
    this.numbers = n.stream().mapToDouble(Double::doubleValue).toArray();
    this.integers = whole.stream().mapToLong(Long::longValue).toArray();
    this.booleans = new boolean[b.size()];
    for (int i = 0; i < b.size(); i++) {
      booleans[i] = b.get(i);
    }
    this.versions = v.toArray(new SemVer[0]);
  }

  boolean matches(EvaluationContext context) {
    Object value = context.get(attribute);
    boolean match = value != null && test(value);
    return negate != match;
  }

  private boolean test(Object value) {
    switch (op) {
      case EQUALS:
      case IN:
        if (value instanceof String s) {
          return strings.length < 4 ? containsString(s) : stringSet.contains(s);
        } else if (value instanceof Number n) {
          return compareNumber(n);
        } else if (value instanceof Boolean bool) {
          for (boolean x : booleans) {
            if (x == bool) {
              return true;
            }
          }
        }
        return false;
      case STARTS_WITH:
      case ENDS_WITH:
      case CONTAINS:
        if (value instanceof String s) {
          for (String x : strings) {
            if (op == Operator.STARTS_WITH ? s.startsWith(x)
                : op == Operator.ENDS_WITH ? s.endsWith(x) : s.contains(x)) {
              return true;
            }
          }
        }
        return false;
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL:
        return value instanceof Number n && compareNumber(n);
      case SEMVER_EQUAL:
      case SEMVER_LESS_THAN:
      case SEMVER_GREATER_THAN:
        SemVer parsed = value instanceof String s ? SemVer.parse(s) : null;
        if (parsed != null) {
          for (SemVer x : versions) {
            int c = parsed.compareTo(x);
            if (op == Operator.SEMVER_EQUAL ? c == 0 : op == Operator.SEMVER_LESS_THAN ? c < 0 : c > 0) {
              return true;
            }
          }
        }
        return false;
      default:
        return false;
    }
  }

  private boolean containsString(String s) {
    for (String x : strings) {
      if (x.equals(s)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the numeric attribute compares true with any value. */
  private boolean compareNumber(Number attribute) {
    if (isIntegral(attribute)) {
      long a = attribute.longValue();
      for (long x : integers) {
        if (holds(Long.compare(a, x))) {
          return true;
        }
      }
      for (double x : numbers) {
        if (holds(Double.compare((double) a, x))) {
          return true;
        }
      }
      return false;
    }
    double d = attribute.doubleValue();
    if (Double.isNaN(d)) {
      return false;
    }
    for (double x : numbers) {
      if (holds(Double.compare(d, x))) {
        return true;
      }
    }
    for (long x : integers) {
      if (holds(Double.compare(d, (double) x))) {
        return true;
      }
    }
    return false;
  }

  /** Whether a comparison result satisfies the operator; equality operators want 0. */
  private boolean holds(int c) {
    return switch (op) {
      case LESS_THAN -> c < 0;
      case LESS_THAN_OR_EQUAL -> c <= 0;
      case GREATER_THAN -> c > 0;
      case GREATER_THAN_OR_EQUAL -> c >= 0;
      default -> c == 0;
    };
  }

  static boolean isIntegral(Object value) {
    return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
  }

  @Override
  public String toString() {
    return attribute + " " + op + (negate ? " (negated)" : "");
  }
}
