/** The failed-write journal: shadow writes that did not succeed, kept so reconciliation can repair exactly those keys. */
@NullMarked
package dev.cutover.dualwrite.journal;

import org.jspecify.annotations.NullMarked;
