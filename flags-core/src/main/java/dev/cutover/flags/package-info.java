/**
 * Cutover flag evaluation API for applications.
 *
 * <p>Start with {@link dev.cutover.flags.FlagClient#builder(dev.cutover.flags.spi.FlagStore)}:
 *
 * <pre>{@code
 * FlagClient flags = FlagClient.builder(store).build();
 * boolean on = flags.booleanValue("orders.new-checkout", EvaluationContext.of(customerId), false);
 * }</pre>
 *
 * <p>Evaluation never throws and never performs I/O: it reads an immutable snapshot that a
 * background refresher replaces atomically. Store authors implement the SPI in
 * {@link dev.cutover.flags.spi}; everything in {@code dev.cutover.flags.internal} is not API.
 */
@NullMarked
package dev.cutover.flags;

import org.jspecify.annotations.NullMarked;
