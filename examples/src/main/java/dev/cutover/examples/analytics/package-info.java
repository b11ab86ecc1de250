/**
 * Migration 1 of the examples: an event-sourced presentation app moves its analytics from an
 * event collection (one table of JSON documents, read whole into memory) to a star-schema
 * warehouse on PostgreSQL, while it keeps writing. Run it with {@link
 * dev.cutover.examples.analytics.AnalyticsMigration#main}.
 *
 * <p>The app ({@link dev.cutover.examples.analytics.PresentationApp}, {@link
 * dev.cutover.examples.analytics.EventStore}, {@link dev.cutover.examples.analytics.OldAnalytics})
 * is never changed; the migration only adds code next to it: the warehouse ({@link
 * dev.cutover.examples.analytics.StarSchema}, {@link dev.cutover.examples.analytics.NewAnalytics}),
 * the observer on the app's listener, the backfill, the reconciliation and the dual-read proxy.
 */
@NullMarked
package dev.cutover.examples.analytics;

import org.jspecify.annotations.NullMarked;
