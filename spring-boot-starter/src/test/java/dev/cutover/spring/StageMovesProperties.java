package dev.cutover.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.dualwrite.Stage;
import dev.cutover.dualwrite.StageFlag;
import dev.cutover.flags.spi.AuditInfo;
import dev.cutover.flags.spi.RawFlag;
import dev.cutover.flags.store.InMemoryFlagStore;
import dev.cutover.spring.internal.CutoverActuatorAutoConfiguration;
import dev.cutover.spring.internal.CutoverAutoConfiguration;
import dev.cutover.spring.internal.CutoverEndpoint;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * Over any sequence of requested moves through the endpoint's write operation, only moves of one step
 * (or to the stage already served) are accepted, and the stored stage is always the last one accepted;
 * a move without a principal is refused and writes nothing.
 */
class StageMovesProperties {
    private static final String FLAG = "orders.migration";
    private static @Nullable AnnotationConfigApplicationContext context;

    @BeforeContainer
    static void start() {
        AnnotationConfigApplicationContext c = new AnnotationConfigApplicationContext();
        TestPropertyValues.of(
                        "cutover.fleet.enabled=false",
                        "cutover.flags.poll-interval=1h",
                        "management.endpoints.web.exposure.include=cutover")
                .applyTo(c);
        c.registerBean(InMemoryFlagStore.class, () -> new InMemoryFlagStore());
        c.register(
                CutoverAutoConfiguration.class,
                CutoverActuatorAutoConfiguration.class,
                EndpointAutoConfiguration.class);
        c.refresh();
        context = c;
    }

    @AfterContainer
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Provide
    Arbitrary<List<String>> moves() {
        Arbitrary<String> move = Arbitraries.oneOf(
                Arbitraries.of("next", "back", "NEXT", "sideways"),
                Arbitraries.of(Stage.class).map(Stage::name),
                Arbitraries.of(Stage.class)
                        .map(s -> s.name().toLowerCase(Locale.ROOT).replace('_', '-')));
        return move.list().ofMaxSize(12);
    }

    @Property(tries = 200)
    void onlyOneStepMovesAreAccepted(@ForAll("moves") List<String> moves) throws Exception {
        InMemoryFlagStore store = context.getBean(InMemoryFlagStore.class);
        Optional<RawFlag> left = store.get(FLAG);
        if (left.isPresent()) {
            store.delete(FLAG, left.get().version(), new AuditInfo("test", "next try"));
        }
        CutoverEndpoint endpoint = context.getBean(CutoverEndpoint.class);
        Stage current = Stage.OLD_ONLY;
        Principal alice = () -> "alice";
        for (String move : moves) {
            WebEndpointResponse<Map<String, Object>> response =
                    endpoint.move(FLAG, move, "property test", security(alice));
            Stage expected = expectedAfter(current, move);
            if (expected == null) {
                assertThat(response.getStatus()).as("%s from %s", move, current).isIn(400, 409);
            } else {
                assertThat(response.getStatus())
                        .as("%s from %s: %s", move, current, response.getBody())
                        .isEqualTo(200);
                current = expected;
            }
            assertThat(StageFlag.current(store, FLAG)).containsExactly(current);
        }
        WebEndpointResponse<Map<String, Object>> anonymous = endpoint.move(FLAG, "next", null, security(null));
        assertThat(anonymous.getStatus()).isEqualTo(403);
        assertThat(StageFlag.current(store, FLAG)).containsExactly(current);
    }

    /** The stage after {@code move}, or null when it must be refused. */
    private static @Nullable Stage expectedAfter(Stage current, String move) {
        String m = move.toUpperCase(Locale.ROOT).replace('-', '_');
        if (m.equals("NEXT")) {
            return current.next().orElse(null);
        }
        if (m.equals("BACK")) {
            return current.previous().orElse(null);
        }
        return Stage.parse(m)
                .filter(to -> Math.abs(to.ordinal() - current.ordinal()) <= 1)
                .orElse(null);
    }

    private static SecurityContext security(@Nullable Principal principal) {
        return new SecurityContext() {
            @Override
            public @Nullable Principal getPrincipal() {
                return principal;
            }

            @Override
            public boolean isUserInRole(String role) {
                return principal != null;
            }
        };
    }
}
