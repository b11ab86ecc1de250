package dev.cutover.dualwrite.internal;

import dev.cutover.dualwrite.Read;
import dev.cutover.dualwrite.Write;
import dev.cutover.dualwrite.internal.MethodPlan.KeyExtractor;
import dev.cutover.dualwrite.internal.MethodPlan.Kind;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.BaseStream;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Classifies every method of a repository interface once, at build time, and looks plans up per
 * call. Immutable after construction, so lookups need no synchronization. Not API.
 *
 * <p>Order of precedence: the builder's {@code read}/{@code write} overrides, then {@code @Read} /
 * {@code @Write}, then {@code default} methods run their body, then the naming convention (find,
 * get, list, count and exists read; the rest write). Everything that cannot be decided safely is
 * collected and reported in one exception naming each method.
 */
public final class MethodTable {
    private static final List<String> READ_PREFIXES = List.of("find", "get", "list", "count", "exists");

    private final Map<Method, MethodPlan> plans;
    private final List<MethodPlan> routed;

    private MethodTable(Map<Method, MethodPlan> plans, List<MethodPlan> routed) {
        this.plans = plans;
        this.routed = routed;
    }

    /**
     * Classifies the methods of {@code repository}.
     *
     * @param onKeyError run when a user's key function throws
     * @throws IllegalArgumentException naming every method that cannot be classified, and every
     *     override that names no method
     */
    public static MethodTable build(
            Class<?> repository,
            Set<String> reads,
            Set<String> writes,
            Map<String, Function<Object[], @Nullable String>> keyFunctions,
            Runnable onKeyError) {
        String repo = repository.getSimpleName();
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Method[] methods = repository.getMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName).thenComparing(Method::toGenericString));
        Map<Method, MethodPlan> plans = new HashMap<>();
        List<MethodPlan> routed = new ArrayList<>();
        for (Method m : methods) {
            if (Modifier.isStatic(m.getModifiers()) || redeclaresObjectMethod(m)) {
                // the proxy always passes Object's own Method for equals, hashCode and toString
                continue;
            }
            names.add(m.getName());
            Kind kind = classify(repo, m, reads, writes, problems);
            if (kind == null) {
                continue;
            }
            if (kind == Kind.DEFAULT) {
                plans.put(m, new MethodPlan(-1, m, kind, KeyExtractor.NONE, false, defaultBody(repo, m, problems)));
                continue;
            }
            m.trySetAccessible();
            KeyExtractor key = EntityKeys.of(repo, m, keyFunctions.get(m.getName()), onKeyError, problems);
            MethodPlan plan = new MethodPlan(routed.size(), m, kind, key, kind == Kind.READ && comparable(m));
            plans.put(m, plan);
            routed.add(plan);
        }
        for (String name : union(reads, writes, keyFunctions.keySet())) {
            if (!names.contains(name)) {
                problems.add("an override names '" + name + "', which " + repo + " does not have");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("cannot route " + repo + ": " + String.join("; ", problems));
        }
        addObjectMethods(plans);
        return new MethodTable(Map.copyOf(plans), List.copyOf(routed));
    }

    private static @Nullable Kind classify(
            String repo, Method m, Set<String> reads, Set<String> writes, List<String> problems) {
        String name = m.getName();
        boolean read = m.isAnnotationPresent(Read.class);
        boolean write = m.isAnnotationPresent(Write.class);
        Kind kind;
        if (m.isDefault() && (m.isBridge() || m.isSynthetic())) {
            return Kind.DEFAULT; // a generic bridge: its body calls the real method through the proxy
        } else if (reads.contains(name)) {
            kind = Kind.READ;
        } else if (writes.contains(name)) {
            kind = Kind.WRITE;
        } else if (read && write) {
            problems.add(describe(repo, m) + " has both @Read and @Write");
            return null;
        } else if (read || write) {
            kind = read ? Kind.READ : Kind.WRITE;
        } else if (m.isDefault()) {
            return Kind.DEFAULT;
        } else if (readByName(name)) {
            if (m.getReturnType() == void.class) {
                problems.add(describe(repo, m) + " is named like a read but returns void; annotate it @Read"
                        + " or @Write, or classify it with .read(\"" + name + "\") or .write(\"" + name + "\")");
                return null;
            }
            kind = Kind.READ;
        } else {
            kind = Kind.WRITE;
        }
        Class<?> type = m.getReturnType();
        if (CompletionStage.class.isAssignableFrom(type) || Future.class.isAssignableFrom(type)) {
            problems.add(describe(repo, m) + " returns " + type.getSimpleName()
                    + "; dual-write routes synchronous methods only (the authoritative call must be complete"
                    + " before the shadow starts)");
            return null;
        }
        return kind;
    }

    static boolean readByName(String name) {
        for (String prefix : READ_PREFIXES) {
            if (name.startsWith(prefix)
                    && (name.length() == prefix.length() || !Character.isLowerCase(name.charAt(prefix.length())))) {
                return true;
            }
        }
        return false;
    }

    /** Results that a comparison would consume, leaving nothing for the caller. */
    private static boolean comparable(Method m) {
        Class<?> type = m.getReturnType();
        return !(BaseStream.class.isAssignableFrom(type)
                || Iterator.class.isAssignableFrom(type)
                || Spliterator.class.isAssignableFrom(type)
                || type == void.class);
    }

    /**
     * Null when {@code InvocationHandler.invokeDefault} can run the default method (its interface is
     * public and exported to us); else the body as a handle found through a private lookup in the
     * interface (allowed on the class path, where every package is open).
     */
    private static @Nullable MethodHandle defaultBody(String repo, Method m, List<String> problems) {
        Class<?> iface = m.getDeclaringClass();
        if (reachable(iface)) {
            return null;
        }
        try {
            return MethodHandles.privateLookupIn(iface, MethodHandles.lookup())
                    .unreflectSpecial(m, iface)
                    .asSpreader(Object[].class, m.getParameterCount())
                    .asType(MethodType.methodType(Object.class, Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            problems.add(describe(repo, m) + " is a default method of an interface dual-write cannot reach ("
                    + e.getClass().getSimpleName() + "); make the interface public, or open its package to"
                    + " dev.cutover.dualwrite");
            return null;
        }
    }

    private static boolean reachable(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return type.getModule().isExported(type.getPackageName(), MethodTable.class.getModule());
    }

    private static boolean redeclaresObjectMethod(Method m) {
        String name = m.getName();
        int n = m.getParameterCount();
        return (n == 0 && (name.equals("hashCode") || name.equals("toString")))
                || (n == 1 && name.equals("equals") && m.getParameterTypes()[0] == Object.class);
    }

    private static void addObjectMethods(Map<Method, MethodPlan> plans) {
        try {
            Method equals = Object.class.getMethod("equals", Object.class);
            Method hashCode = Object.class.getMethod("hashCode");
            Method toString = Object.class.getMethod("toString");
            plans.put(equals, new MethodPlan(-1, equals, Kind.EQUALS, KeyExtractor.NONE, false));
            plans.put(hashCode, new MethodPlan(-1, hashCode, Kind.HASH_CODE, KeyExtractor.NONE, false));
            plans.put(toString, new MethodPlan(-1, toString, Kind.TO_STRING, KeyExtractor.NONE, false));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b, Set<String> c) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        all.addAll(c);
        return all;
    }

    static String describe(String repo, Method m) {
        return repo + "." + m.getName()
                + Arrays.stream(m.getParameterTypes())
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(", ", "(", ")"));
    }

    /** The plan of a method the proxy was called with. */
    public MethodPlan plan(Method method) {
        MethodPlan plan = plans.get(method);
        if (plan == null) {
            // an interface redeclaring an Object method, reached through the interface's Method
            throw new IllegalStateException("no plan for " + method);
        }
        return plan;
    }

    /** Reads and writes, in index order. */
    public List<MethodPlan> routed() {
        return routed;
    }

    /** The routed methods without an entity key, for the build-time warning. */
    public List<String> writesWithoutKey() {
        List<String> out = new ArrayList<>();
        for (MethodPlan p : routed) {
            if (p.kind() == Kind.WRITE && p.key() == KeyExtractor.NONE) {
                out.add(p.name());
            }
        }
        return out;
    }
}
