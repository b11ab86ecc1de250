package dev.cutover.cli.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.flags.fleet.FleetView;
import dev.cutover.flags.spi.HeartbeatStore;
import dev.cutover.flags.spi.WritableFlagStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cutover fleet}: every instance that reports heartbeats, by service, with its revision and stages. */
@Command(
        name = "fleet",
        mixinStandardHelpOptions = true,
        description = {
            "List the instances that report heartbeats to the flag store, by service: the flag revision each"
                    + " holds and how far behind the store's it is, the stage of each of its proxies, its client's"
                    + " state, and LIVE or MISSED (no heartbeat for 3 of its intervals).",
            "",
            "Instances publish heartbeats with FleetHeartbeat (off by default in the library, on in the Spring"
                    + " Boot starter). An instance that shut down cleanly is gone; one that died shows as MISSED"
                    + " until its heartbeat expires."
        })
public final class FleetCommand extends StoreCommand {

    @Option(
            names = "--service",
            paramLabel = "NAME",
            description = "Only the instances of this service (matched exactly, as the service named itself).")
    @Nullable
    String service;

    @Option(
            names = "--require-all-live",
            description = "Exit 6 when an instance missed its heartbeats or no instance is live (for scripts and"
                    + " health checks); the listing is printed either way.")
    boolean requireAllLive;

    @Override
    void before() {
        if (service != null) {
            Fleets.checkService("--service", service);
        }
    }

    @Override
    int run(WritableFlagStore store) throws Exception {
        FlagStoreOptions.Location at = storeOptions.location(spec);
        HeartbeatStore heartbeats = Fleets.heartbeatStore(store, at, "");
        long head = store.headRevision();
        List<FleetView.Instance> all = Fleets.instances(FleetView.of(heartbeats), service, store, at, "");
        Map<String, List<FleetView.Instance>> byService = new LinkedHashMap<>();
        for (FleetView.Instance i : all) {
            byService
                    .computeIfAbsent(i.heartbeat().service(), s -> new ArrayList<>())
                    .add(i);
        }
        List<FleetView.Instance> missed = all.stream().filter(i -> !i.live()).toList();
        long live = all.size() - missed.size();
        boolean allLive = live > 0 && missed.isEmpty();
        if (output.json()) {
            ObjectNode root = Json.object()
                    .put("store", at.describe())
                    .put("headRevision", head)
                    .put("service", service)
                    .put("live", live)
                    .put("missed", missed.size())
                    .put("allLive", allLive);
            ArrayNode services = root.putArray("services");
            byService.forEach((name, instances) -> {
                ObjectNode s = services.addObject()
                        .put("service", name)
                        .put(
                                "live",
                                instances.stream()
                                        .filter(FleetView.Instance::live)
                                        .count())
                        .put("missed", instances.stream().filter(i -> !i.live()).count());
                ArrayNode held = s.putArray("revisions");
                Fleets.revisions(instances)
                        .forEach((revision, count) ->
                                held.addObject().put("revision", revision).put("instances", count));
            });
            Fleets.json(root.putArray("instances"), all, head);
            Json.print(out(), root);
        } else {
            text(at, head, all, byService, live, missed);
        }
        return requireAllLive && !allLive ? Exit.DIFFERENCES : Exit.OK;
    }

    private void text(
            FlagStoreOptions.Location at,
            long head,
            List<FleetView.Instance> all,
            Map<String, List<FleetView.Instance>> byService,
            long live,
            List<FleetView.Instance> missed) {
        String of = service == null ? "" : " of service " + service;
        if (all.isEmpty()) {
            out().println("no instance" + of + " reports heartbeats to the flag store at " + at.describe()
                    + "; store revision " + head
                    + " (instances report with FleetHeartbeat: off by default in the library, on in the starter)");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(Fleets.HEADER);
            all.forEach(i -> rows.add(Fleets.row(i, head)));
            Table.print(out(), rows);
            byService.forEach((name, instances) -> out().println(summary(name, instances)));
            out().println("store revision " + head + "; " + all.size() + (all.size() == 1 ? " instance" : " instances")
                    + " of " + byService.size() + (byService.size() == 1 ? " service" : " services") + ": " + live
                    + " live, " + missed.size() + " missed");
        }
        out().flush();
        if (requireAllLive && (live == 0 || !missed.isEmpty())) {
            spec.commandLine()
                    .getErr()
                    .println("error: --require-all-live: "
                            + (live == 0
                                    ? "no live instance" + of
                                    : missed.size()
                                            + (missed.size() == 1
                                                    ? " instance missed its heartbeats: "
                                                    : " instances missed their heartbeats: ")
                                            + Fleets.names(missed, 20)));
            spec.commandLine().getErr().flush();
        }
    }

    /** {@code orders: 2 live, 1 missed; revisions held: 17 (2), 12 (1)}. */
    private static String summary(String service, List<FleetView.Instance> instances) {
        long live = instances.stream().filter(FleetView.Instance::live).count();
        String held = Fleets.revisions(instances).entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        return service + ": " + live + " live, " + (instances.size() - live) + " missed; revisions held: " + held;
    }
}
