package dev.cutover.dualwrite.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * How the old and the new results of a read are compared: both are turned into Jackson trees and
 * compared field by field. Immutable and thread-safe.
 *
 * <pre>{@code
 * Comparison comparison = Comparison.builder().recheckAfter(Duration.ofSeconds(1)).sampleRate(0.1).build();
 * }</pre>
 *
 * <p>Reports hold field paths and keyed hashes of values, never raw values, unless {@link
 * Builder#revealValues} is on: entity data is often personal data. The hash key is random per
 * {@code Comparison}, so a hash cannot be looked up in a dictionary of likely values.
 *
 * @since 0.1.0
 */
public final class Comparison {
  private static final String HMAC = "HmacSHA256";

  private final ObjectMapper mapper;
  private final Duration recheckDelay;
  private final double sampleRate;
  private final boolean revealValues;
  private final byte[] hashKey;

  private Comparison(Builder b) {
    this.mapper = b.mapper;
    this.recheckDelay = b.recheckDelay;
    this.sampleRate = b.sampleRate;
    this.revealValues = b.revealValues;
    this.hashKey = new byte[32];
    new SecureRandom().nextBytes(hashKey);
  }

  /** Every read compared, re-checked after 500 ms, values redacted. */
  public static Comparison defaults() {
    return builder().build();
  }

  /** Starts configuring a comparison. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Compares an old and a new result. Never throws: a result that cannot be turned into a tree
   * gives {@link ComparisonResult.Outcome#ERROR} naming its type.
   */
  public ComparisonResult compare(@Nullable Object oldResult, @Nullable Object newResult) {
    JsonNode oldTree;
    JsonNode newTree;
    try {
      oldTree = tree(oldResult);
      newTree = tree(newResult);
    } catch (RuntimeException e) {
      return ComparisonResult.error("cannot compare results of type " + typeOf(oldResult) + " and "
          + typeOf(newResult) + ": " + e.getClass().getSimpleName());
    }
    if (oldTree.equals(newTree)) {
      return ComparisonResult.match();
    }
    return new ComparisonResult(ComparisonResult.Outcome.MISMATCH, List.of(difference("", oldTree, newTree)), null);
  }

  private JsonNode tree(@Nullable Object value) {
    return value == null ? NullNode.getInstance() : mapper.valueToTree(value);
  }

  private static String typeOf(@Nullable Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  private Difference difference(String path, JsonNode oldValue, JsonNode newValue) {
    Difference.Kind kind = oldValue.getNodeType() == newValue.getNodeType() ? Difference.Kind.CHANGED : Difference.Kind.TYPE;
    return new Difference(path, kind, hash(oldValue), hash(newValue),
        revealValues ? oldValue.toString() : null, revealValues ? newValue.toString() : null);
  }

  /** A keyed hash of a value: 16 hex digits of HMAC-SHA256 over its JSON. */
  String hash(JsonNode value) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(hashKey, HMAC));
      byte[] digest = mac.doFinal(value.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** How long to wait before re-checking a mismatch; zero: report at once. */
  public Duration recheckDelay() {
    return recheckDelay;
  }

  /** The fraction of reads compared, 0 to 1. */
  public double sampleRate() {
    return sampleRate;
  }

  /** Whether reports carry raw values. */
  public boolean revealValues() {
    return revealValues;
  }

  /** Whether this read should be compared, drawn at random with {@link #sampleRate()}. */
  public boolean sampled() {
    return sampleRate >= 1.0 || (sampleRate > 0 && ThreadLocalRandom.current().nextDouble() < sampleRate);
  }

  /**
   * Configures a {@link Comparison}. Each setting is checked when set, naming a bad value.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
    private Duration recheckDelay = Duration.ofMillis(500);
    private double sampleRate = 1.0;
    private boolean revealValues;

    private Builder() {}

    /** The mapper that turns results into trees (default: a plain one with every module found). */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "objectMapper");
      return this;
    }

    /**
     * Before a mismatch is reported, wait this long and compare again (default 500 ms); when the
     * authoritative side changed meanwhile, it was a write in flight, not a mismatch. Zero
     * reports at once.
     */
    public Builder recheckAfter(Duration delay) {
      Objects.requireNonNull(delay, "recheckAfter");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("recheckAfter must be >= 0 but was " + delay);
      }
      this.recheckDelay = delay;
      return this;
    }

    /** The fraction of reads compared, from 0 to 1 (default 1: every read). */
    public Builder sampleRate(double rate) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("sampleRate must be between 0 and 1 but was " + rate);
      }
      this.sampleRate = rate;
      return this;
    }

    /**
     * Put raw values in reports (default off: paths and keyed hashes only). Turn on only where
     * the logs and listeners may hold the entity data.
     */
    public Builder revealValues(boolean reveal) {
      this.revealValues = reveal;
      return this;
    }

    public Comparison build() {
      return new Comparison(this);
    }
  }
}
