package dev.cutover.spring.internal;

import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.spring.CutoverConfigurationException;
import dev.cutover.spring.CutoverProperties;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * The flag store and client ({@code cutover.flags.*}), the JDBC journal ({@code cutover.journal.*})
 * and the dual-write proxies ({@code cutover.dual-write.*}, {@code @MigratedRepository}). Every bean
 * here backs off when the application defines its own.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(CutoverProperties.class)
public class CutoverAutoConfiguration {

    /** The store named by {@code cutover.flags.store}; closed with the context. */
    @Bean
    @ConditionalOnProperty("cutover.flags.store")
    @ConditionalOnMissingBean(FlagStore.class)
    FlagStore cutoverFlagStore(CutoverProperties properties, ListableBeanFactory beans, Environment environment) {
        return FlagStores.create(properties.getFlags(), beans, new Settings(environment));
    }

    /** The flag client over the store (the starter's, or the application's own); closed with the context. */
    @Bean
    @Conditional(StoreConfigured.class)
    @ConditionalOnMissingBean(FlagClient.class)
    FlagClient cutoverFlagClient(CutoverProperties properties, ListableBeanFactory beans, Environment environment) {
        FlagStore store = beans.getBeanProvider(FlagStore.class).getIfUnique();
        if (store == null) {
            throw new CutoverConfigurationException(
                    FlagStores.STORE,
                    properties.getFlags().getStore(),
                    "but the application defines several FlagStore beans",
                    "Mark the one the flag client reads @Primary");
        }
        return FlagClients.create(properties.getFlags(), store, new Settings(environment));
    }

    /** The JDBC failed-write journal, when {@code cutover.journal.enabled}. */
    @Bean
    @ConditionalOnProperty("cutover.journal.enabled")
    @ConditionalOnMissingBean(FailedWriteJournal.class)
    FailedWriteJournal cutoverJournal(CutoverProperties properties, ListableBeanFactory beans) {
        return Journals.journal(properties.getJournal(), beans);
    }

    /** The proxies built so far, for the endpoint, metrics and heartbeats; closes them with the context. */
    @Bean
    DualWriteRepositories cutoverDualWriteRepositories() {
        return new DualWriteRepositories();
    }

    /** Heartbeats of this instance, on unless {@code cutover.fleet.enabled=false}. */
    @Bean
    @ConditionalOnBean(FlagClient.class)
    @ConditionalOnBooleanProperty(name = "cutover.fleet.enabled", matchIfMissing = true)
    FleetPublisher cutoverFleetPublisher(
            FlagClient client,
            ObjectProvider<FlagStore> store,
            DualWriteRepositories repositories,
            CutoverProperties properties,
            Environment environment) {
        return new FleetPublisher(
                client,
                store.getIfUnique(),
                repositories,
                properties,
                environment.getProperty("spring.application.name"));
    }

    /** A flag store is named by {@code cutover.flags.store}, or the application defines one. */
    static final class StoreConfigured extends AnyNestedCondition {
        StoreConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("cutover.flags.store")
        static final class Named {}

        @ConditionalOnBean(FlagStore.class)
        static final class Defined {}
    }

    /** Registers a {@code @Primary} proxy bean per migrated repository. */
    @Bean
    static DualWriteRegistrar cutoverDualWriteRegistrar() {
        return new DualWriteRegistrar();
    }
}
