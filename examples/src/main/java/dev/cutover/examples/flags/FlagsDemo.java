package dev.cutover.examples.flags;

import dev.cutover.flags.Allocation;
import dev.cutover.flags.ClientStatus;
import dev.cutover.flags.EvaluationContext;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.Rollout;
import dev.cutover.flags.Serve;
import dev.cutover.flags.store.JsonFileFlagStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A tour of Cutover's flags on a JSON flag file: a sticky percentage rollout raised live through a
 * push hint, a fleet of clients flipping a migration stage at one {@code effectiveAt} instant, a
 * malformed flag rejected alone, and a store outage survived from memory and from the backup file.
 * Exits with status 1 if any check fails.
 */
public final class FlagsDemo {
    private static final int CUSTOMERS = 10_000;
    private final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("cutover-flags-demo");
        int exit = new FlagsDemo().run(dir);
        System.exit(exit);
    }

    int run(Path dir) throws Exception {
        Path file = dir.resolve("flags.json");
        Path backup = dir.resolve("flags-backup.json");
        Flag stage = Flag.stringFlag("orders.migration", "DUAL_WRITE");
        write(file, stage, rollout(10));
        say("Flag file: " + file);

        JsonFileFlagStore store = JsonFileFlagStore.of(file);
        try (FlagClient flags = FlagClient.builder(store)
                .pollInterval(Duration.ofSeconds(1))
                .backupFile(backup)
                .build()) {
            ClientStatus s = flags.status();
            say("Client " + s.state() + " from " + s.source() + " at revision " + s.revision());

            // 1. sticky rollout, raised live
            boolean[] before = included(flags);
            int at10 = count(before);
            say("new-checkout rollout 10%%: %d of %d customers", at10, CUSTOMERS);
            check(Math.abs(at10 - CUSTOMERS / 10) < CUSTOMERS / 50, "about 10% included");
            CountDownLatch pushed = new CountDownLatch(1);
            flags.onChange("orders.new-checkout", e -> pushed.countDown());
            long t0 = System.nanoTime();
            write(file, stage, rollout(50));
            check(pushed.await(10, TimeUnit.SECONDS), "change pushed from the file watcher");
            say("raised to 50%%: change applied after %d ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            boolean[] after = included(flags);
            int kept = 0;
            for (int i = 0; i < CUSTOMERS; i++) {
                kept += before[i] && after[i] ? 1 : 0;
            }
            say("50%%: %d customers; %d of the %d earlier ones kept (sticky, monotonic)", count(after), kept, at10);
            check(kept == at10, "no included customer dropped out");

            // 2. a fleet flips the migration stage at one instant
            Instant flipAt = Instant.now().plusSeconds(2);
            Flag shadow = Flag.stringFlag("orders.migration", "SHADOW").toBuilder()
                    .effectiveAt(flipAt, stage)
                    .build();
            write(file, shadow, rollout(50));
            List<FlagClient> fleet = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fleet.add(FlagClient.builder(JsonFileFlagStore.of(file))
                        .pollInterval(Duration.ofMillis(200 + 300L * i))
                        .build());
            }
            fleet.add(flags);
            awaitRevisionEverywhere(fleet, flags);
            say("Scheduled orders.migration -> SHADOW at %s; %d instances hold it", flipAt, fleet.size());
            waitUntil(flipAt.minusMillis(50));
            check(stageEverywhere(fleet).equals("DUAL_WRITE"), "before the instant every instance says DUAL_WRITE");
            waitUntil(flipAt);
            String flipped = stageEverywhere(fleet);
            say("At the instant every instance says: %s", flipped);
            check(flipped.equals("SHADOW"), "after the instant every instance says SHADOW");
            fleet.stream().filter(c -> c != flags).forEach(FlagClient::close);

            // 3. a malformed flag is rejected alone
            String good = Files.readString(file);
            int end = good.lastIndexOf("]}");
            Files.writeString(
                    tmp(file),
                    good.substring(0, end)
                            + ",{\"key\":\"broken\",\"type\":\"boolean\",\"variants\":{\"on\":\"yes\"}}"
                            + good.substring(end));
            move(file);
            awaitTrue(() -> flags.status().rejectedFlags() == 1);
            say(
                    "Malformed flag 'broken' rejected (see WARN above); others still served: stage=%s",
                    flags.stringValue("orders.migration", EvaluationContext.empty(), "?"));
            check(flags.status().rejectedFlags() == 1, "one flag rejected");

            // 4. store outage: serve from memory
            Files.delete(file);
            awaitTrue(() -> flags.status().state() == ClientStatus.State.STALE);
            say(
                    "Flag file deleted: client %s, still serving stage=%s",
                    flags.status().state(), flags.stringValue("orders.migration", EvaluationContext.empty(), "?"));
            check(
                    flags.stringValue("orders.migration", EvaluationContext.empty(), "?")
                            .equals("SHADOW"),
                    "served from memory");
        }

        // 5. restart while the store is down: serve the backup file
        try (FlagClient restarted = FlagClient.builder(JsonFileFlagStore.of(file))
                .startupTimeout(Duration.ofMillis(500))
                .backupFile(backup)
                .build()) {
            ClientStatus s = restarted.status();
            say(
                    "Restart during the outage: %s from %s, stage=%s",
                    s.state(), s.source(), restarted.stringValue("orders.migration", EvaluationContext.empty(), "?"));
            check(s.source() == ClientStatus.Source.BACKUP_FILE, "restart served from the backup file");
        }
        say(failures.isEmpty() ? "All checks passed." : "FAILED: " + failures);
        return failures.isEmpty() ? 0 : 1;
    }

    private static Flag rollout(int percent) {
        return Flag.builder("orders.new-checkout")
                .booleanVariants()
                .fallthrough(Serve.rollout(
                        Rollout.of(new Allocation("true", percent), new Allocation("false", 100 - percent))))
                .build();
    }

    private static boolean[] included(FlagClient flags) {
        boolean[] in = new boolean[CUSTOMERS];
        for (int i = 0; i < CUSTOMERS; i++) {
            in[i] = flags.booleanValue("orders.new-checkout", EvaluationContext.of("customer-" + i), false);
        }
        return in;
    }

    private static int count(boolean[] values) {
        int n = 0;
        for (boolean v : values) {
            n += v ? 1 : 0;
        }
        return n;
    }

    private static String stageEverywhere(List<FlagClient> fleet) {
        String first = null;
        for (FlagClient c : fleet) {
            String v = c.stringValue("orders.migration", EvaluationContext.of("svc"), "?");
            if (first == null) {
                first = v;
            } else if (!first.equals(v)) {
                return "MIXED";
            }
        }
        return first;
    }

    private static void awaitRevisionEverywhere(List<FlagClient> fleet, FlagClient reference) {
        long rev = reference.status().revision();
        awaitTrue(() -> fleet.stream().allMatch(c -> c.status().revision() >= rev));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            LockSupport.parkNanos(5_000_000L);
        }
    }

    private static void waitUntil(Instant instant) {
        while (Instant.now().isBefore(instant)) {
            LockSupport.parkNanos(1_000_000L);
        }
    }

    private static void write(Path file, Flag... flags) throws IOException {
        StringBuilder json = new StringBuilder("{\"flags\":[");
        for (int i = 0; i < flags.length; i++) {
            json.append(i == 0 ? "" : ",").append(flags[i].toJson());
        }
        Files.writeString(tmp(file), json.append("]}"));
        move(file);
    }

    private static Path tmp(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    private static void move(Path file) throws IOException {
        Files.move(tmp(file), file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            failures.add(what);
            say("  CHECK FAILED: " + what);
        }
    }

    private static void say(String format, Object... args) {
        System.out.println(args.length == 0 ? format : String.format(format, args));
    }
}
