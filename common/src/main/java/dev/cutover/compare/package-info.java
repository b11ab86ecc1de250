/** Comparison of old and new results as Jackson trees: normalizers, field-level differences, redaction. */
@NullMarked
package dev.cutover.compare;

import org.jspecify.annotations.NullMarked;
