/**
 * Cutover flags behind the OpenFeature API: {@link dev.cutover.openfeature.CutoverProvider} is an
 * OpenFeature provider over a {@link dev.cutover.flags.FlagClient}.
 *
 * <pre>{@code
 * OpenFeatureAPI.getInstance().setProviderAndWait(CutoverProvider.owning(FlagClient.builder(store).build()));
 * }</pre>
 *
 * <p>Everything in {@code dev.cutover.openfeature.internal} is not API.
 */
@NullMarked
package dev.cutover.openfeature;

import org.jspecify.annotations.NullMarked;
