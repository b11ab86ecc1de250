package dev.cutover.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Migrates a repository through a dual-write proxy: the annotation form of
 * {@code cutover.dual-write.repositories.<name>}. Put it on a {@code @Configuration} class (once per
 * repository); injection points of {@link #repository()} then receive the proxy, while the old and
 * the new bean stay reachable by name.
 *
 * <pre>{@code
 * @Configuration
 * @MigratedRepository(repository = OrderRepository.class,
 *     oldBean = "jdbcOrders", newBean = "dynamoOrders", stageFlag = "orders.migration")
 * class OrderMigration {}
 * }</pre>
 *
 * <p>The same checks apply as to the YAML form: an unknown bean, a bean that does not implement the
 * interface or a malformed flag key stops the context with a message naming the attribute and the
 * class carrying it.
 *
 * @since 0.2.0
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(MigratedRepository.List.class)
public @interface MigratedRepository {

    /** The repository interface. */
    Class<?> repository();

    /** The name of the bean being migrated away from. */
    String oldBean();

    /** The name of the bean being migrated to. */
    String newBean();

    /** The string flag naming the stage. */
    String stageFlag();

    /** The migration's name in the endpoint, metrics and heartbeats; default: the flag key. */
    String name() default "";

    /** The FailedWriteJournal bean; default: the application's only journal, else an in-memory one. */
    String journal() default "";

    /**
     * The accessor of the entity key on a method's first argument, such as {@code "id"} (an
     * {@code id()} or {@code getId()} method); default: none.
     */
    String entityKey() default "";

    /**
     * Several migrated repositories on one class.
     *
     * @since 0.2.0
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        /** The repositories. */
        MigratedRepository[] value();
    }
}
