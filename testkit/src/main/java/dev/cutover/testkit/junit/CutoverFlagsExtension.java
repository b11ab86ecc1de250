package dev.cutover.testkit.junit;

import dev.cutover.flags.FlagClient;
import dev.cutover.testkit.TestFlags;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link CutoverFlags @CutoverFlags}: before each test it creates a fresh
 * {@link TestFlags}, applies the {@link PinFlag @PinFlag} values of the test class (outer classes
 * first for {@code @Nested} tests) and then of the test method, and resolves parameters of type
 * {@link TestFlags} and {@link FlagClient} in test methods, {@code @BeforeEach}/{@code @AfterEach}
 * methods and test class constructors. After each test everything is closed.
 *
 * <pre>{@code
 * @ExtendWith(CutoverFlagsExtension.class)
 * class CheckoutTest {
 *   @Test
 *   @PinFlag(key = "orders.new-checkout", value = "true")
 *   void newCheckout(TestFlags flags, FlagClient client) {
 *     assertTrue(client.booleanValue("orders.new-checkout", false));
 *     flags.set("orders.new-checkout", false);
 *     assertFalse(client.booleanValue("orders.new-checkout", true));
 *   }
 * }
 * }</pre>
 *
 * <p>A {@link TestFlags} injected into the constructor is the one the test runs with. With
 * {@code @TestInstance(Lifecycle.PER_CLASS)} a constructor-injected instance is shared by the
 * class's tests: it is cleared and re-pinned before each test and closed after the last. When
 * methods of one class run in parallel (JUnit parallel execution), inject into test methods rather
 * than the constructor: a constructor cannot tell which of the concurrent tests it is made for.
 *
 * @since 0.1.0
 */
public final class CutoverFlagsExtension implements BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(CutoverFlagsExtension.class);
    /** Method store: the flags of the running test. */
    private static final String CURRENT = "current";
    /** Class store: created for a constructor, not yet adopted by a test (per-method lifecycle). */
    private static final String PENDING = "pending";
    /** Class store: created for the constructor of a per-class test instance. */
    private static final String CLASS_SCOPED = "class-scoped";

    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

    /** Creates the extension; JUnit does this for {@code @ExtendWith}. */
    public CutoverFlagsExtension() {}

    @Override
    public void beforeEach(ExtensionContext context) {
        ExtensionContext.Store methodStore = context.getStore(NAMESPACE);
        ExtensionContext.Store classStore = classContext(context).getStore(NAMESPACE);
        ExtensionContext.Store pendingStore = outermostClassContext(context).getStore(NAMESPACE);
        Holder current = methodStore.get(CURRENT, Holder.class);
        Holder shared = classStore.get(CLASS_SCOPED, Holder.class);
        Holder pending = pendingStore.remove(PENDING, Holder.class);
        TestFlags flags;
        if (current != null) {
            // created for a constructor that JUnit resolved in this test's own context
            flags = current.flags;
            if (pending != null) {
                pending.close();
            }
        } else if (shared != null) {
            flags = shared.flags;
            flags.clear();
            methodStore.put(CURRENT, new Holder(flags, false));
        } else if (pending != null) {
            flags = pending.flags;
            methodStore.put(CURRENT, pending);
        } else {
            flags = new TestFlags();
            methodStore.put(CURRENT, new Holder(flags, true));
        }
        for (PinFlag pin : pins(context)) {
            apply(flags, pin);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == TestFlags.class || type == FlagClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        TestFlags flags;
        if (parameterContext.getDeclaringExecutable() instanceof Constructor<?>) {
            flags = forConstructor(context);
        } else {
            Holder holder = context.getTestMethod().isPresent()
                    ? context.getStore(NAMESPACE).get(CURRENT, Holder.class)
                    : null;
            if (holder == null) {
                throw new ParameterResolutionException(
                        "TestFlags and FlagClient are created per test; they cannot be injected into "
                                + parameterContext.getDeclaringExecutable()
                                + " (use a test method, @BeforeEach/@AfterEach method or the constructor)");
            }
            flags = holder.flags;
        }
        return parameterContext.getParameter().getType() == FlagClient.class ? flags.client() : flags;
    }

    private static TestFlags forConstructor(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            // JUnit may resolve constructors in the test method's context: then it is this test's
            return context.getStore(NAMESPACE)
                    .getOrComputeIfAbsent(CURRENT, k -> new Holder(new TestFlags(), true), Holder.class)
                    .flags;
        }
        boolean perClass = context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
                == TestInstance.Lifecycle.PER_CLASS;
        // Get or create, so that all constructor parameters of one test instance share one
        // TestFlags: per-method instances (and the enclosing instances of @Nested tests) park it in
        // the outermost class's store until beforeEach adopts it.
        ExtensionContext.Store store = (perClass ? context : outermostClassContext(context)).getStore(NAMESPACE);
        String key = perClass ? CLASS_SCOPED : PENDING;
        return store.getOrComputeIfAbsent(key, k -> new Holder(new TestFlags(), true), Holder.class).flags;
    }

    private static ExtensionContext outermostClassContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getParent().isPresent() && c.getParent().get().getTestClass().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /** Pins in application order: outermost class first, the test method last. */
    static List<PinFlag> pins(ExtensionContext context) {
        List<PinFlag> pins = new ArrayList<>();
        Optional<Class<?>> testClass = context.getTestClass();
        if (testClass.isPresent()) {
            Deque<Class<?>> classes = new ArrayDeque<>();
            Class<?> c = testClass.get();
            while (c != null) {
                classes.push(c);
                c = c.isMemberClass() && !Modifier.isStatic(c.getModifiers()) ? c.getEnclosingClass() : null;
            }
            for (Class<?> each : classes) {
                pins.addAll(find(each));
            }
        }
        context.getTestMethod().ifPresent(m -> pins.addAll(find(m)));
        return pins;
    }

    private static List<PinFlag> find(AnnotatedElement element) {
        return AnnotationSupport.findRepeatableAnnotations(element, PinFlag.class);
    }

    /** Sets one pinned value, typed by its text. */
    static void apply(TestFlags flags, PinFlag pin) {
        String value = pin.value();
        if (value.equals("true") || value.equals("false")) {
            flags.set(pin.key(), Boolean.parseBoolean(value));
        } else if (INTEGER.matcher(value).matches()) {
            BigDecimal number = new BigDecimal(value);
            try {
                flags.set(pin.key(), number.intValueExact());
            } catch (ArithmeticException notAnInt) {
                try {
                    flags.set(pin.key(), number.longValueExact());
                } catch (ArithmeticException notALong) {
                    flags.set(pin.key(), number.doubleValue());
                }
            }
        } else if (DECIMAL.matcher(value).matches()) {
            flags.set(pin.key(), Double.parseDouble(value));
        } else {
            flags.set(pin.key(), value);
        }
    }

    /** Keeps a {@link TestFlags} in a JUnit store and closes it with the store's scope if owned. */
    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final TestFlags flags;
        final boolean owned;

        Holder(TestFlags flags, boolean owned) {
            this.flags = flags;
            this.owned = owned;
        }

        @Override
        public void close() {
            if (owned) {
                flags.close();
            }
        }

        @Override
        public String toString() {
            return "Holder{" + flags + ", owned=" + owned + "}";
        }
    }
}
