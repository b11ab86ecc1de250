package dev.cutover.spring.internal;

import dev.cutover.dualwrite.DualWrite;
import dev.cutover.dualwrite.Stage;
import dev.cutover.flags.Flag;
import dev.cutover.flags.FlagClient;
import dev.cutover.journal.FailedWriteJournal;
import dev.cutover.spring.CutoverConfigurationException;
import dev.cutover.spring.CutoverProperties;
import dev.cutover.spring.MigratedRepository;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Registers one {@code @Primary} bean per migrated repository, from {@code
 * cutover.dual-write.repositories.*} and from {@link MigratedRepository} on configuration classes, so
 * that every injection point of the interface receives the dual-write proxy while the old and the
 * new bean stay reachable by name.
 *
 * <p>Settings that need no other bean (the interface, the flag key, the default stage, distinct
 * beans) are checked here, before any bean exists; the beans themselves are looked up, and checked
 * to implement the interface, when the proxy is created.
 */
public final class DualWriteRegistrar
        implements BeanDefinitionRegistryPostProcessor, EnvironmentAware, BeanClassLoaderAware, Ordered {

    /** Bean names of the proxies start with this. */
    static final String BEAN_PREFIX = "cutover.dualWrite.";

    static final String PREFIX = "cutover.dual-write.repositories.";

    private @Nullable Environment environment;
    private @Nullable ClassLoader classLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        Map<String, RepositorySpec> specs = new LinkedHashMap<>();
        for (RepositorySpec spec : specs(registry)) {
            RepositorySpec before = specs.putIfAbsent(spec.name(), spec);
            if (before != null) {
                throw new CutoverConfigurationException(
                        spec.setting("", "name"),
                        spec.name(),
                        "but " + before.origin() + " already names a migrated repository so",
                        "Give each migrated repository its own name");
            }
        }
        for (RepositorySpec spec : specs.values()) {
            Class<?> type = check(spec);
            RootBeanDefinition proxy = new RootBeanDefinition();
            proxy.setTargetType(type);
            proxy.setPrimary(true);
            proxy.setRole(BeanDefinition.ROLE_APPLICATION);
            proxy.setInstanceSupplier(() -> create(spec, type, (ListableBeanFactory) registry));
            proxy.setDescription("Cutover dual-write proxy '" + spec.name() + "' (" + spec.origin() + ")");
            registry.registerBeanDefinition(BEAN_PREFIX + spec.name(), proxy);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}

    private List<RepositorySpec> specs(BeanDefinitionRegistry registry) {
        List<RepositorySpec> specs = new ArrayList<>();
        Environment env = java.util.Objects.requireNonNull(environment, "environment");
        Map<String, CutoverProperties.Repository> yaml = Binder.get(env)
                .bind(
                        "cutover.dual-write.repositories",
                        Bindable.mapOf(String.class, CutoverProperties.Repository.class))
                .orElse(Map.of());
        yaml.forEach((name, r) -> specs.add(new RepositorySpec(
                name,
                r.getInterface(),
                r.getOldBean(),
                r.getNewBean(),
                r.getStageFlag(),
                r.getJournal(),
                r.getDefaultStage(),
                r.getEntityKey(),
                PREFIX + name + ".")));
        for (String beanName : registry.getBeanDefinitionNames()) {
            BeanDefinition def = registry.getBeanDefinition(beanName);
            if (!(def instanceof AnnotatedBeanDefinition annotated)) {
                continue;
            }
            var metadata = annotated.getMetadata();
            for (AnnotationAttributes a : metadata.getMergedRepeatableAnnotationAttributes(
                    MigratedRepository.class, MigratedRepository.List.class, true)) {
                String flag = a.getString("stageFlag");
                String name = a.getString("name");
                String journal = a.getString("journal");
                String entityKey = a.getString("entityKey");
                specs.add(new RepositorySpec(
                        name.isEmpty() ? flag : name,
                        a.getString("repository"),
                        a.getString("oldBean"),
                        a.getString("newBean"),
                        flag,
                        journal.isEmpty() ? null : journal,
                        Stage.OLD_ONLY.name(),
                        entityKey.isEmpty() ? null : entityKey,
                        metadata.getClassName()));
            }
        }
        return specs;
    }

    /** Checks what needs no bean, and loads the interface. */
    private Class<?> check(RepositorySpec spec) {
        if (!dev.cutover.flags.fleet.Heartbeat.isValidName(spec.name())) {
            throw new CutoverConfigurationException(
                    spec.setting("", "name"),
                    spec.name(),
                    "which is not a migration name (it names the proxy in the endpoint, metrics and heartbeats)",
                    "Use 1 to 128 letters, digits, '.', '-' or '_'");
        }
        String typeSetting = spec.setting("interface", "repository");
        String typeName = spec.type();
        if (typeName == null || typeName.isBlank()) {
            throw new CutoverConfigurationException(
                    typeSetting,
                    null,
                    "and a migrated repository needs its interface",
                    "Set it to the repository interface, fully qualified");
        }
        Class<?> type;
        try {
            type = ClassUtils.forName(typeName.trim(), classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new CutoverConfigurationException(
                    typeSetting,
                    typeName,
                    "but no such class is on the class path",
                    "Set it to the repository interface, fully qualified (package and name)",
                    e);
        }
        if (!type.isInterface() || type.isAnnotation()) {
            throw new CutoverConfigurationException(
                    typeSetting,
                    typeName,
                    "which is a class, not an interface: dual-write proxies an interface that both beans implement",
                    "Set it to the repository interface that the old and the new bean implement");
        }
        String flagSetting = spec.setting("stage-flag", "stageFlag");
        if (!Flag.isValidKey(spec.stageFlag())) {
            throw new CutoverConfigurationException(
                    flagSetting,
                    spec.stageFlag(),
                    spec.stageFlag() == null
                            ? "and a migrated repository needs its stage flag"
                            : "which is not a flag key",
                    "Set it to a flag key: 1 to 128 letters, digits, '.', '-' or '_'");
        }
        if (defaultStage(spec).isEmpty()) {
            throw new CutoverConfigurationException(
                    spec.setting("default-stage", "defaultStage"),
                    spec.defaultStage(),
                    "which names no stage",
                    "Set it to one of " + Arrays.toString(Stage.values()));
        }
        for (String[] bean :
                new String[][] {{"old-bean", "oldBean", spec.oldBean()}, {"new-bean", "newBean", spec.newBean()}}) {
            if (bean[2] == null || bean[2].isBlank()) {
                throw new CutoverConfigurationException(
                        spec.setting(bean[0], bean[1]),
                        bean[2],
                        "and a migrated repository needs both beans",
                        "Set it to the name of a bean implementing " + typeName);
            }
        }
        if (spec.oldBean().equals(spec.newBean())) {
            throw new CutoverConfigurationException(
                    spec.setting("new-bean", "newBean"),
                    spec.newBean(),
                    "the same bean as the old one; dual-write needs two stores",
                    "Name the bean being migrated to");
        }
        return type;
    }

    private static Optional<Stage> defaultStage(RepositorySpec spec) {
        return Stage.parse(
                spec.defaultStage().trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    /** Builds the proxy once the beans exist. */
    private static Object create(RepositorySpec spec, Class<?> type, ListableBeanFactory beans) {
        Object oldStore = store(beans, spec, type, spec.oldBean(), spec.setting("old-bean", "oldBean"));
        Object newStore = store(beans, spec, type, spec.newBean(), spec.setting("new-bean", "newBean"));
        FlagClient flags = beans.getBeanProvider(FlagClient.class).getIfUnique();
        if (flags == null) {
            throw new CutoverConfigurationException(
                    spec.setting("stage-flag", "stageFlag"),
                    spec.stageFlag(),
                    "but the application has no (single) FlagClient to read it from",
                    "Configure the flag store with cutover.flags.store, or define one FlagClient bean");
        }
        String journalName = spec.journal();
        FailedWriteJournal journal = journalName != null
                ? Beans.named(
                        beans, FailedWriteJournal.class, journalName, spec.setting("journal", "journal"), spec.name())
                : beans.getBeanProvider(FailedWriteJournal.class).getIfUnique();
        @SuppressWarnings({"unchecked", "rawtypes"})
        DualWrite.Builder<Object> builder = (DualWrite.Builder) DualWrite.of(type);
        builder.oldStore(oldStore)
                .newStore(newStore)
                .stageFlag(flags, java.util.Objects.requireNonNull(spec.stageFlag()))
                .defaultStage(defaultStage(spec).orElseThrow());
        if (journal != null) {
            builder.journal(journal);
        }
        EntityKeys.configure(builder, type, spec);
        Object proxy = builder.build();
        beans.getBean(DualWriteRepositories.class).add(spec, type, proxy);
        return proxy;
    }

    private static Object store(
            ListableBeanFactory beans, RepositorySpec spec, Class<?> type, @Nullable String name, String setting) {
        String bean = java.util.Objects.requireNonNull(name);
        if (!beans.containsBean(bean) || bean.startsWith(BEAN_PREFIX)) {
            throw new CutoverConfigurationException(
                    setting,
                    bean,
                    "but no bean has that name; beans implementing " + type.getSimpleName() + ": "
                            + Arrays.toString(Arrays.stream(beans.getBeanNamesForType(type))
                                    .filter(n -> !n.startsWith(BEAN_PREFIX))
                                    .toArray()),
                    "Set it to the name of the " + (setting.contains("old") ? "old" : "new") + " repository bean");
        }
        Object store = beans.getBean(bean);
        if (!type.isInstance(store)) {
            throw new CutoverConfigurationException(
                    setting,
                    bean,
                    "but that bean is a " + store.getClass().getName() + ", which does not implement " + type.getName(),
                    "Set it to a bean implementing " + type.getName());
        }
        return store;
    }
}
