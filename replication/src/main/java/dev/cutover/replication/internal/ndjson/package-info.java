/**
 * Internals of the newline-delimited JSON source: segments of a file and the reading of their lines,
 * plain or in DynamoDB's typed JSON. Not API: these types may change in any release.
 */
@NullMarked
package dev.cutover.replication.internal.ndjson;

import org.jspecify.annotations.NullMarked;
