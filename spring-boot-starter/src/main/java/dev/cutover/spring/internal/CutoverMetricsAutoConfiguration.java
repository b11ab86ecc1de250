package dev.cutover.spring.internal;

import dev.cutover.dualwrite.DualWriteMetrics;
import dev.cutover.flags.FlagClient;
import dev.cutover.flags.metrics.FlagClientMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer binders for the flag client, every dual-write proxy and every mirror, bound by Spring
 * Boot to each registry once all singletons exist (so proxies created late are bound too).
 */
@AutoConfiguration(after = CutoverAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
public class CutoverMetricsAutoConfiguration {

    /** The flag client's and the proxies' meters. */
    @Bean
    MeterBinder cutoverMeterBinder(ListableBeanFactory beans, DualWriteRepositories repositories) {
        return registry -> {
            FlagClient client = beans.getBeanProvider(FlagClient.class).getIfUnique();
            if (client != null) {
                FlagClientMetrics.of(client).bindTo(registry);
            }
            repositories
                    .entries()
                    .forEach((name, e) -> DualWriteMetrics.of(e.proxy(), Tags.of("migration", name))
                            .bindTo(registry));
        };
    }

    /** The mirrors' meters, when cutover-replication is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.cutover.replication.metrics.MirrorMetrics")
    static class Mirrors {
        @Bean
        MeterBinder cutoverMirrorMeterBinder(ListableBeanFactory beans) {
            return registry -> bindMirrors(beans, registry);
        }

        @SuppressWarnings("rawtypes")
        private static void bindMirrors(ListableBeanFactory beans, MeterRegistry registry) {
            beans.getBeansOfType(dev.cutover.replication.Mirror.class)
                    .forEach((name, mirror) -> dev.cutover.replication.metrics.MirrorMetrics.of(
                                    mirror, Tags.of("mirror", name))
                            .bindTo(registry));
        }
    }
}
