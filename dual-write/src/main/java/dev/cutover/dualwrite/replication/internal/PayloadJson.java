package dev.cutover.dualwrite.replication.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one mapper replication reads and writes payload JSON with, so that a payload read back is
 * the payload written: integers as {@code long} nodes ({@code BigInteger} beyond {@code long}),
 * every number with a fraction or an exponent as an exact {@code BigDecimal} with its scale kept
 * ({@code 12345678901234567.89} stays that, {@code 1.50} stays {@code 1.50}), never a {@code
 * double}. Text is UTF-8 with astral characters as they are. Numerically equal payloads (such as
 * {@code 1}, {@code 1.0} and {@code 1.00}) are told apart here but equal in canonical form
 * ({@code Comparison.canonicalize}, {@link dev.cutover.dualwrite.replication.PayloadDigest}).
 * Immutable and thread-safe.
 */
public final class PayloadJson {
  /** The shared mapper; configured once, never changed. */
  public static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_LONG_FOR_INTS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  private PayloadJson() {}

  /** A mapper configured as {@link #MAPPER}, plus whatever {@code more} adds: for other readers. */
  public static JsonMapper.Builder builder() {
    return MAPPER.rebuild();
  }
}
