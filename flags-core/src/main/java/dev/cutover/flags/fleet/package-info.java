/**
 * The fleet view: each instance of a service may publish a {@link dev.cutover.flags.fleet.Heartbeat}
 * beside the flags (which revision it applied, the stage each of its proxies serves, its client
 * status), and an operator reads them all through {@link dev.cutover.flags.fleet.FleetView} to see
 * that every instance holds a flip before moving on.
 *
 * <pre>{@code
 * try (FleetHeartbeat heartbeat = FleetHeartbeat.builder(flags, store, "orders-service")
 *         .stages(() -> Map.of("orders", control.stage(null).name()))
 *         .start()) {
 *   ...
 * }
 * FleetView.Wait wait = FleetView.of(store).awaitRevision(revision, null, null, Duration.ofMinutes(2));
 * }</pre>
 */
@NullMarked
package dev.cutover.flags.fleet;

import org.jspecify.annotations.NullMarked;
