package dev.cutover.examples.analytics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Simulated users of the {@link PresentationApp}: producers schedule, start and end presentations
 * (four run at a time), viewers join and leave, page through slides, answer polls and ask,
 * reword, upvote and delete questions; now and then a viewer edits a profile or a presentation is
 * renamed or deleted before it starts. Choices come from a seeded random generator.
 *
 * <p>One thread drives it at a time: {@link #runUntil} on the caller's thread, or {@link #start}
 * on a thread of its own. Every exception the app throws is counted as an error the users saw.
 */
final class Traffic {
    private static final int LIVE_PRESENTATIONS = 4;
    private static final String[] COUNTRIES = {"BR", "DE", "ES", "FR", "GB", "IN", "IT", "JP", "NL", "PL", "SE", "US"};
    private static final String[] PRESENTERS = {
        "Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances"
    };

    /** A presentation on the air, as the users know it. */
    private static final class Live {
        final String id;
        final int slides;
        final int lifetime;
        int actions;
        final Map<String, String> watching = new HashMap<>(); // viewer -> attendance
        final Map<String, String> answers = new HashMap<>(); // viewer + poll -> answer
        final List<String> questions = new ArrayList<>();

        Live(String id, int slides, int lifetime) {
            this.id = id;
            this.slides = slides;
            this.lifetime = lifetime;
        }
    }

    private final PresentationApp app;
    private final SplittableRandom random;
    private final int viewerCount;
    private final List<String> viewers = new ArrayList<>();
    private final List<Live> live = new ArrayList<>();
    private final List<String> onAir = new CopyOnWriteArrayList<>();
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private final AtomicLong actions = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile @Nullable String firstError;
    private volatile boolean running;
    private @Nullable Thread thread;
    private int presentations;

    Traffic(PresentationApp app, long seed, int viewers) {
        this.app = Objects.requireNonNull(app, "app");
        this.random = new SplittableRandom(seed);
        this.viewerCount = viewers;
    }

    /** Runs actions on this thread until {@code done} says so. */
    void runUntil(BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            act();
        }
    }

    /** Runs about {@code perSecond} actions a second on a thread of its own, until {@link #stop()}. */
    synchronized void start(int perSecond) {
        if (thread != null) {
            throw new IllegalStateException("traffic is already running");
        }
        running = true;
        long pace = TimeUnit.SECONDS.toNanos(1) / perSecond;
        Thread t = new Thread(
                () -> {
                    long next = System.nanoTime();
                    while (running) {
                        act();
                        next += pace;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
                            next = System.nanoTime(); // fell behind (a slow machine): do not try to catch up in a burst
                        }
                    }
                },
                "presentation-traffic");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Stops the thread started by {@link #start} and waits for its last action. */
    synchronized void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join();
            thread = null;
        }
    }

    long actions() {
        return actions.get();
    }

    long errors() {
        return errors.get();
    }

    @Nullable
    String firstError() {
        return firstError;
    }

    /** A presentation that has ended, or one on the air, or null before there is any; thread-safe. */
    @Nullable
    String pickPresentation(SplittableRandom r, boolean preferEnded) {
        List<String> from = preferEnded && !ended.isEmpty() ? ended : onAir;
        if (from.isEmpty()) {
            return null;
        }
        try {
            return from.get(r.nextInt(from.size()));
        } catch (IndexOutOfBoundsException e) {
            return null; // on-air list shrank meanwhile: ask again
        }
    }

    private void act() {
        try {
            step();
            actions.incrementAndGet();
        } catch (Exception e) {
            errors.incrementAndGet();
            if (firstError == null) {
                firstError = e.toString();
            }
        }
    }

    private void step() throws Exception {
        if (viewers.size() < viewerCount) {
            viewers.add(app.registerViewer("viewer " + viewers.size(), pick(COUNTRIES)));
            return;
        }
        if (live.size() < LIVE_PRESENTATIONS) {
            schedule();
            return;
        }
        Live p = live.get(random.nextInt(live.size()));
        if (++p.actions > p.lifetime) {
            app.endPresentation(p.id);
            live.remove(p);
            onAir.remove(p.id);
            ended.add(p.id);
            return;
        }
        int r = random.nextInt(100);
        String viewer = p.watching.isEmpty() || r < 28 ? null : pickKey(p.watching);
        if (viewer == null) {
            join(p);
        } else if (r < 38) {
            app.leave(p.watching.remove(viewer));
        } else if (r < 68) {
            app.viewSlide(p.id, viewer, 1 + random.nextInt(p.slides));
        } else if (r < 76) {
            answer(p, viewer);
        } else if (r < 82 || p.questions.isEmpty()) {
            p.questions.add(app.askQuestion(p.id, viewer, "question " + random.nextInt(1000) + "?"));
        } else if (r < 85) {
            app.editQuestion(pick(p.questions), "reworded " + random.nextInt(1000) + "?");
        } else if (r < 94) {
            app.upvote(pick(p.questions));
        } else if (r < 96) {
            app.deleteQuestion(p.questions.remove(random.nextInt(p.questions.size())));
        } else if (r < 98) {
            app.updateViewer(pick(viewers), "viewer renamed " + random.nextInt(1000), pick(COUNTRIES));
        } else {
            app.renamePresentation(p.id, "Quarterly update " + random.nextInt(1000) + " (revised)");
        }
    }

    private void schedule() throws Exception {
        int n = ++presentations;
        int slides = 10 + random.nextInt(30);
        String id = app.createPresentation("Quarterly update " + n, pick(PRESENTERS), slides);
        if (random.nextInt(10) == 0) {
            app.deletePresentation(id); // scheduled by mistake
            return;
        }
        app.startPresentation(id);
        live.add(new Live(id, slides, 150 + random.nextInt(300)));
        onAir.add(id);
    }

    private void join(Live p) throws Exception {
        String viewer = pick(viewers);
        if (!p.watching.containsKey(viewer)) {
            p.watching.put(viewer, app.join(p.id, viewer));
        }
    }

    private void answer(Live p, String viewer) throws Exception {
        String poll = "poll-" + (1 + random.nextInt(3));
        String key = viewer + "/" + poll;
        String answer = p.answers.get(key);
        String choice = String.valueOf((char) ('A' + random.nextInt(4)));
        if (answer == null) {
            p.answers.put(key, app.answerPoll(p.id, viewer, poll, choice));
        } else if (random.nextInt(10) < 6) {
            app.changeAnswer(answer, choice);
        } else {
            app.retractAnswer(p.answers.remove(key));
        }
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private String pickKey(Map<String, String> map) {
        int i = random.nextInt(map.size());
        for (String k : map.keySet()) {
            if (i-- == 0) {
                return k;
            }
        }
        throw new IllegalStateException("unreachable");
    }
}
