/** Internals of the DynamoDB flag store; not API. */
@NullMarked
package dev.cutover.flags.dynamodb.internal;

import org.jspecify.annotations.NullMarked;
