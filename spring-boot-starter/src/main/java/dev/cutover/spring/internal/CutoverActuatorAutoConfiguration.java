package dev.cutover.spring.internal;

import dev.cutover.flags.FlagClient;
import dev.cutover.flags.spi.FlagStore;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.spring.CutoverProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code cutover} health contributor and Actuator endpoint, when Actuator is on the class path. */
@AutoConfiguration(after = CutoverAutoConfiguration.class)
public class CutoverActuatorAutoConfiguration {

    /** The health contributor {@code cutover}; off with {@code management.health.cutover.enabled=false}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    @ConditionalOnBean(FlagClient.class)
    @ConditionalOnEnabledHealthIndicator("cutover")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "cutoverHealthIndicator")
        HealthIndicator cutoverHealthIndicator(FlagClient client, DualWriteRepositories repositories) {
            return new CutoverHealthIndicator(client, repositories);
        }
    }

    /** The endpoint {@code cutover}; exposed like any other ({@code management.endpoints.web.exposure.include}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
    @ConditionalOnAvailableEndpoint(CutoverEndpoint.class)
    static class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        CutoverEndpoint cutoverEndpoint(
                ObjectProvider<FlagClient> client,
                ObjectProvider<FlagStore> store,
                ObjectProvider<FailedWriteJournal> journal,
                DualWriteRepositories repositories,
                CutoverProperties properties) {
            return new CutoverEndpoint(
                    client.getIfUnique(),
                    store.getIfUnique(),
                    journal.getIfUnique(),
                    repositories,
                    properties.getEndpoint().isAllowAnonymousWrites());
        }
    }
}
