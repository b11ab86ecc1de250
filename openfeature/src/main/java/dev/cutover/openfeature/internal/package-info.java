/**
 * The provider's machinery: context and result mapping, JSON conversion and the event thread. Not
 * API: anything here may change in any release.
 */
@NullMarked
package dev.cutover.openfeature.internal;

import org.jspecify.annotations.NullMarked;
