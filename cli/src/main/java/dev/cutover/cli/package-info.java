/**
 * The {@code cutover} command line: flags, migration stages, backfill and reconciliation against
 * JDBC and DynamoDB stores. Run it with {@code java -jar cutover-cli-<version>.jar --help}; {@link
 * dev.cutover.cli.Main} is the entry point. Everything else lives in {@code dev.cutover.cli.internal}
 * and is not API.
 */
@NullMarked
package dev.cutover.cli;

import org.jspecify.annotations.NullMarked;
