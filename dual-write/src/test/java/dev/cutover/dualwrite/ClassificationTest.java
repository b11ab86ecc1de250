package dev.cutover.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.testkit.TestFlags;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Build-time classification: every method that cannot be routed safely fails the build, by name. */
class ClassificationTest {
    private TestFlags flags;

    @BeforeEach
    void flags() {
        flags = new TestFlags();
    }

    @AfterEach
    void close() {
        flags.close();
        Harness.assertNoLibraryThreads();
    }

    public interface VoidRead {
        Optional<String> findName(String id);

        void getReady();
    }

    public interface BothAnnotations {
        @Read
        @Write
        String touch(String id);
    }

    public interface Async {
        CompletableFuture<String> findAsync(String id);

        void save(String id);
    }

    public interface BadKeys {
        void move(@EntityKey Object where, String id);

        void link(@EntityKey String a, @EntityKey String b);
    }

    public interface Keys {
        void byUuid(UUID id, String value);

        void byLong(long id);

        void byNamed(String tenant, @EntityKey String orderId);

        void byEntity(Order order);

        List<String> findAll();

        /** A name like a read, but a write: overridden in the test. */
        String getOrCreate(String id);
    }

    private <R> DualWrite.Builder<R> builder(Class<R> type, R old, R neu) {
        return DualWrite.of(type).oldStore(old).newStore(neu).stageFlag(flags.client(), "f");
    }

    @SuppressWarnings("unchecked")
    private static <R> R stub(Class<R> type) {
        return (R) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (m.getName().equals("hashCode")) {
                return System.identityHashCode(p);
            }
            if (m.getName().equals("equals")) {
                return p == a[0];
            }
            return m.getReturnType() == long.class ? 0L : null;
        });
    }

    private <R> void failsNaming(Class<R> type, String... fragments) {
        assertThatThrownBy(() -> builder(type, stub(type), stub(type)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(fragments);
    }

    @Test
    void aReadByNameThatReturnsVoidIsRefusedByName() {
        failsNaming(VoidRead.class, "VoidRead.getReady()", "returns void", "@Write");
    }

    @Test
    void bothAnnotationsAreRefused() {
        failsNaming(BothAnnotations.class, "BothAnnotations.touch(String)", "both @Read and @Write");
    }

    @Test
    void asynchronousMethodsAreRefused() {
        failsNaming(Async.class, "Async.findAsync(String)", "CompletableFuture");
    }

    @Test
    void badEntityKeysAreRefusedNamingEveryMethod() {
        failsNaming(
                BadKeys.class,
                "BadKeys.move(Object, String)",
                "@EntityKey parameter 0 is a Object",
                "BadKeys.link(String, String)",
                "more than one @EntityKey");
    }

    @Test
    void overridesThatNameNoMethodAreRefused() {
        assertThatThrownBy(() -> builder(Keys.class, stub(Keys.class), stub(Keys.class))
                        .read("fnidAll")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'fnidAll', which Keys does not have");
        assertThatThrownBy(() -> builder(Keys.class, stub(Keys.class), stub(Keys.class))
                        .entityKey("svae", a -> "x")
                        .build())
                .hasMessageContaining("'svae'");
    }

    @Test
    void aMethodCannotBeBothReadAndWrite() {
        assertThatThrownBy(() -> DualWrite.of(Keys.class).read("findAll").write("findAll"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'findAll' is already classified as a read");
    }

    @Test
    void anOverrideMakesANameThatLooksLikeAReadAWrite() {
        Keys old = stub(Keys.class);
        Keys neu = stub(Keys.class);
        flags.set("f", "DUAL_WRITE");
        RecordingListener listener = new RecordingListener();
        Keys keys = builder(Keys.class, old, neu)
                .write("getOrCreate")
                .listener(listener)
                .build();
        try {
            keys.getOrCreate("k");
            keys.byEntity(new Order("o", "c", "s", 1));
            // the write goes to the shadow: a failing (null-returning) shadow is fine; a journal entry is not expected
            assertThat(DualWrite.control(keys).awaitIdle(java.time.Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(DualWrite.control(keys).counts().shadowWritesSucceeded()).isEqualTo(2);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            DualWrite.control(keys).close();
        }
    }

    @Test
    void entityKeysComeFromTheMarkedOrFirstParameter() throws Exception {
        flags.set("f", "DUAL_WRITE");
        Keys old = stub(Keys.class);
        Keys neu = new Keys() {
            @Override
            public void byUuid(UUID id, String value) {
                throw new IllegalStateException();
            }

            @Override
            public void byLong(long id) {
                throw new IllegalStateException();
            }

            @Override
            public void byNamed(String tenant, String orderId) {
                throw new IllegalStateException();
            }

            @Override
            public void byEntity(Order order) {
                throw new IllegalStateException();
            }

            @Override
            public List<String> findAll() {
                return List.of();
            }

            @Override
            public String getOrCreate(String id) {
                throw new IllegalStateException();
            }
        };
        dev.cutover.journal.InMemoryFailedWriteJournal journal = new dev.cutover.journal.InMemoryFailedWriteJournal();
        Keys keys = builder(Keys.class, old, neu).journal(journal).build();
        DualWriteControl control = DualWrite.control(keys);
        try {
            UUID id = UUID.randomUUID();
            keys.byUuid(id, "v");
            keys.byLong(42L);
            keys.byNamed("tenant", "order-7");
            keys.byEntity(new Order("o", "c", "s", 1));
            assertThat(control.awaitIdle(java.time.Duration.ofSeconds(5))).isTrue();
            assertThat(journal.pending())
                    .extracting(e -> e.write().method() + "=" + e.write().entityKey())
                    .containsExactlyInAnyOrder("byUuid=" + id, "byLong=42", "byNamed=order-7", "byEntity=null");
        } finally {
            control.close();
        }
    }

    @Test
    void buildNeedsBothStoresAndTheFlag() {
        assertThatThrownBy(() ->
                        DualWrite.of(Keys.class).oldStore(stub(Keys.class)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("newStore(...)")
                .hasMessageContaining("stageFlag(...)");
        Keys same = stub(Keys.class);
        assertThatThrownBy(() -> builder(Keys.class, same, same).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("same object");
    }

    @Test
    void settingsAreCheckedWhenSet() {
        DualWrite.Builder<Keys> b = DualWrite.of(Keys.class);
        assertThatThrownBy(() -> b.shadowThreads(0)).hasMessageContaining("but was 0");
        assertThatThrownBy(() -> b.shadowQueue(-1)).hasMessageContaining("but was -1");
        assertThatThrownBy(() -> b.shadowTimeout(java.time.Duration.ZERO)).hasMessageContaining("but was PT0S");
        assertThatThrownBy(() -> b.stageFlag(flags.client(), "bad key")).hasMessageContaining("'bad key'");
        assertThatThrownBy(() -> DualWrite.of(String.class)).hasMessageContaining("java.lang.String is not one");
        assertThatThrownBy(() -> DualWrite.control("not a proxy")).hasMessageContaining("not a DualWrite proxy");
    }
}
