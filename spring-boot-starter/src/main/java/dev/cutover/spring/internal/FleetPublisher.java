package dev.cutover.spring.internal;

import dev.cutover.flags.FlagClient;
import dev.cutover.flags.fleet.FleetHeartbeat;
import dev.cutover.flags.fleet.Heartbeat;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.spring.CutoverConfigurationException;
import dev.cutover.spring.CutoverProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Publishes this instance's heartbeat ({@code cutover.fleet.*}, on by default) once every singleton,
 * every dual-write proxy among them, exists: service, instance, the revision applied, each proxy's
 * stage and the client's status, beside the flags, once per poll interval and promptly on a change.
 * With a store that keeps no heartbeats (json-file), or no service name, it says so once at INFO
 * and runs without. Closing the context removes the heartbeat.
 */
final class FleetPublisher implements SmartInitializingSingleton, DisposableBean {
    private static final Logger LOG = LoggerFactory.getLogger(FleetPublisher.class);

    private final FlagClient client;
    private final @Nullable FlagStore store;
    private final DualWriteRepositories repositories;
    private final CutoverProperties properties;
    private final @Nullable String applicationName;
    private volatile @Nullable FleetHeartbeat heartbeat;

    FleetPublisher(
            FlagClient client,
            @Nullable FlagStore store,
            DualWriteRepositories repositories,
            CutoverProperties properties,
            @Nullable String applicationName) {
        this.client = client;
        this.store = store;
        this.repositories = repositories;
        this.properties = properties;
        this.applicationName = applicationName;
        // names are checked at once, so a bad one stops the context before it serves
        String service = service();
        if (service != null) {
            check("cutover.fleet.service", service);
        }
        String instance = properties.getFleet().getInstance();
        if (instance != null) {
            check("cutover.fleet.instance", instance);
        }
    }

    private static void check(String property, String name) {
        if (!Heartbeat.isValidName(name)) {
            throw new CutoverConfigurationException(
                    property,
                    name,
                    "which is not a fleet name",
                    "Use 1 to 128 letters, digits, '.', '-' or '_' (pattern " + Heartbeat.NAME_PATTERN.pattern() + ")");
        }
    }

    private @Nullable String service() {
        String service = properties.getFleet().getService();
        return service != null ? service : applicationName;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (!(store instanceof HeartbeatStore heartbeats)) {
            LOG.info(
                    "Cutover fleet heartbeats are off: the flag store {} keeps no heartbeats (cutover.fleet.enabled=false"
                            + " silences this)",
                    store == null ? "(none)" : store.describe());
            return;
        }
        String service = service();
        if (service == null) {
            LOG.info("Cutover fleet heartbeats are off: set spring.application.name or cutover.fleet.service");
            return;
        }
        FleetHeartbeat.Builder b = FleetHeartbeat.builder(client, heartbeats, service)
                .interval(properties.getFlags().getPollInterval())
                .stages(repositories::stages);
        String instance = properties.getFleet().getInstance();
        if (instance != null) {
            b.instance(instance);
        }
        FleetHeartbeat started = b.start();
        heartbeat = started;
        LOG.info(
                "Cutover fleet heartbeat of {}/{} every {}",
                service,
                started.instance(),
                properties.getFlags().getPollInterval());
    }

    /** The heartbeat being published, or null when off. */
    @Nullable
    FleetHeartbeat heartbeat() {
        return heartbeat;
    }

    @Override
    public void destroy() {
        FleetHeartbeat h = heartbeat;
        if (h != null) {
            h.close();
        }
    }
}
