package dev.cutover.dualwrite.internal;

import dev.cutover.compare.Comparison;
import dev.cutover.dualwrite.Side;
import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.internal.MethodPlan.Kind;
import dev.cutover.journal.KeyLedger;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's invocation handler: per call, looks the method's plan up, resolves the stage once
 * (pinned for the whole call, shadow half included), calls the authoritative store on the caller's
 * thread, hands the shadow half to {@link ShadowWork}, and returns or rethrows exactly what the
 * authoritative store did.
 *
 * <p>The caller pays for: a map lookup, the key extraction, one flag evaluation, the reflective
 * call, and, only when there is shadow work or metrics are bound, two clock reads and one queue
 * offer. Nothing on this path blocks or throws on behalf of the shadow side. Thread-safe; all state
 * is final or owned by the collaborators. Not API.
 */
public final class DualWriteHandler implements InvocationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DualWriteHandler.class);
    private static final Object[] NO_ARGS = {};

    private final String description;
    private final MethodTable table;
    private final StageResolver stages;
    private final Object oldStore;
    private final Object newStore;
    private final Comparison comparison;
    private final ShadowContext ctx;
    private final ShadowWork work;
    private final KeyLedger ledger;
    private final Telemetry telemetry;
    private final ProxyControl control;

    private DualWriteHandler(Settings s, MethodTable table, Telemetry telemetry) {
        String repo = s.repositoryName();
        this.description = "DualWrite[" + repo + ", flag " + s.flagKey() + "]";
        this.table = table;
        this.telemetry = telemetry;
        this.stages = new StageResolver(s.flags(), s.flagKey(), s.defaultStage(), repo, telemetry);
        this.oldStore = s.oldStore();
        this.newStore = s.newStore();
        this.comparison = s.comparison();
        this.work = new ShadowWork(repo, s.executor(), s.shadowThreads(), s.shadowQueue());
        this.ledger = new KeyLedger(
                repo,
                s.journal(),
                s.pendingKeysBound(),
                s.runHeartbeat(),
                Clock.systemUTC(),
                JournalRecorder.notifying(repo, s.listener(), telemetry),
                telemetry::journalError);
        CircuitBreakerConfig config =
                s.circuitBreaker() != null ? s.circuitBreaker() : defaultBreaker(s.shadowTimeout());
        this.ctx = new ShadowContext(
                repo,
                oldStore,
                newStore,
                CircuitBreaker.of(ShadowThreads.PREFIX + repo + "-old", config),
                CircuitBreaker.of(ShadowThreads.PREFIX + repo + "-new", config),
                s.shadowTimeout(),
                comparison,
                s.handoff(),
                work,
                new JournalRecorder(repo, ledger, telemetry),
                new Reporter(s.listener(), telemetry),
                telemetry);
        this.control = new ProxyControl(this);
    }

    /**
     * Builds the proxy.
     *
     * @throws IllegalArgumentException naming every method that cannot be classified
     */
    public static Object create(Settings s) {
        String repo = s.repositoryName();
        RateLimitedLog keyErrors = new RateLimitedLog(1, TimeUnit.MINUTES);
        MethodTable table = MethodTable.build(s.repository(), s.reads(), s.writes(), s.keyFunctions(), () -> {
            long suppressed = keyErrors.permit("key");
            if (suppressed >= 0) {
                LOG.warn(
                        "{}: an entityKey function threw; the call runs without a key{}",
                        repo,
                        RateLimitedLog.suppressed(suppressed));
            }
        });
        if (s.journalDefaulted()) {
            LOG.warn(
                    "{}: missed shadow writes go to an in-memory journal and are lost when the process ends;"
                            + " pass .journal(...) a durable journal for production",
                    repo);
        }
        List<String> keyless = table.writesWithoutKey();
        if (!keyless.isEmpty()) {
            LOG.warn(
                    "{}: writes {} have no entity key, so a missed shadow write of theirs can only be repaired"
                            + " by a full reconciliation; mark the key with @EntityKey or set .entityKey(...)",
                    repo,
                    keyless);
        }
        DualWriteHandler handler = new DualWriteHandler(s, table, new Telemetry());
        ClassLoader loader = s.repository().getClassLoader();
        return Proxy.newProxyInstance(
                loader != null ? loader : DualWriteHandler.class.getClassLoader(),
                new Class<?>[] {s.repository()},
                handler);
    }

    private static CircuitBreakerConfig defaultBreaker(Duration budget) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(20)
                .failureRateThreshold(50)
                .slowCallDurationThreshold(budget)
                .slowCallRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .permittedNumberOfCallsInHalfOpenState(5)
                .build();
    }

    /** The handler behind a proxy built by {@link #create}, or null for any other object. */
    public static @Nullable DualWriteHandler of(Object proxy) {
        if (proxy != null
                && Proxy.isProxyClass(proxy.getClass())
                && Proxy.getInvocationHandler(proxy) instanceof DualWriteHandler h) {
            return h;
        }
        return null;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, Object @Nullable [] args) throws Throwable {
        MethodPlan plan = table.plan(method);
        Kind kind = plan.kind();
        if (kind == Kind.READ || kind == Kind.WRITE) {
            return route(plan, kind == Kind.WRITE, args);
        }
        return switch (kind) {
            case DEFAULT -> defaultMethod(plan, proxy, method, args);
            case EQUALS -> args != null && proxy == args[0];
            case HASH_CODE -> System.identityHashCode(proxy);
            case TO_STRING -> description;
            case READ, WRITE -> throw new AssertionError(kind);
        };
    }

    private static @Nullable Object defaultMethod(
            MethodPlan plan, Object proxy, Method method, Object @Nullable [] args) throws Throwable {
        MethodHandle body = plan.body();
        if (body == null) {
            return InvocationHandler.invokeDefault(proxy, method, args);
        }
        Object[] arguments = args == null ? NO_ARGS : args;
        return (Object) body.invokeExact(proxy, arguments);
    }

    private @Nullable Object route(MethodPlan plan, boolean write, Object @Nullable [] args) throws Throwable {
        String key = plan.key().key(args);
        Stage stage = stages.resolve(key);
        boolean shadow = write ? stage.shadowWrites() : stage.shadowReads() && plan.compared() && comparison.sampled();
        MetricsSink sink = telemetry.sink();
        boolean timed = shadow || sink.enabled();
        long start = timed ? System.nanoTime() : 0L;
        Side authoritative = stage.authoritative();
        // right after an authority flip, wait for this key's shadow writes still headed to that store
        ctx.fences.await(key, authoritative);
        Object result;
        try {
            result = plan.method().invoke(authoritative == Side.OLD ? oldStore : newStore, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (timed) {
                long end = System.nanoTime();
                sink.call(plan.index(), stage, end - start);
                if (shadow && !write) {
                    work.submit(new ShadowRead(
                            ctx, plan, key, stage, args, CallOutcome.threw(cause, end - start), start, end));
                }
            }
            // the authoritative write failed: the caller gets its exception and the shadow gets nothing
            throw cause;
        }
        if (timed) {
            long end = System.nanoTime();
            sink.call(plan.index(), stage, end - start);
            if (shadow) {
                if (write) {
                    ShadowWrite task = new ShadowWrite(ctx, plan, key, stage, args, result, start, end);
                    ctx.fences.opened(task);
                    work.submit(task);
                } else {
                    work.submit(new ShadowRead(
                            ctx, plan, key, stage, args, CallOutcome.returned(result, end - start), start, end));
                }
            }
        }
        return result;
    }

    /** The stage a call with this key would get now. */
    Stage stage(@Nullable String key) {
        return stages.resolve(key);
    }

    /** Repairs single keys from the authoritative store on their shadow lanes (for a journal repair). */
    public LaneRepairs laneRepairs() {
        return new LaneRepairs(ctx, stages::resolve);
    }

    /** The control of this proxy. */
    public ProxyControl control() {
        return control;
    }

    /** Counts and the metrics sink hook. */
    public Telemetry telemetry() {
        return telemetry;
    }

    /** The shadow executor, for the queue gauge. */
    public ShadowWork work() {
        return work;
    }

    /** The keys on their way to the journal. */
    public KeyLedger ledger() {
        return ledger;
    }

    /** Breakers, for the circuit gauges. */
    public CircuitBreaker breaker(Side side) {
        return ctx.breaker(side);
    }

    /** Method names by metric index. */
    public List<String> methodNames() {
        return table.routed().stream().map(MethodPlan::name).toList();
    }

    /** The repository's simple name. */
    public String repository() {
        return ctx.repository;
    }

    @Override
    public String toString() {
        return description;
    }
}
