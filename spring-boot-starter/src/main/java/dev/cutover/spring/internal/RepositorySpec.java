package dev.cutover.spring.internal;

import org.jspecify.annotations.Nullable;

/**
 * One migrated repository as configured, from YAML or from {@link dev.cutover.spring.MigratedRepository}.
 *
 * @param name the migration's name (endpoint, metrics, heartbeats)
 * @param type the interface's class name, as written
 * @param oldBean the old bean's name
 * @param newBean the new bean's name
 * @param stageFlag the stage flag key
 * @param journal the journal bean's name, or null for the default
 * @param defaultStage the stage served without a flag, as written
 * @param entityKey the accessor of the entity key on a first argument, or null
 * @param origin where it was configured: a property prefix ending in '.', or an annotation description
 */
record RepositorySpec(
        String name,
        @Nullable String type,
        @Nullable String oldBean,
        @Nullable String newBean,
        @Nullable String stageFlag,
        @Nullable String journal,
        String defaultStage,
        @Nullable String entityKey,
        String origin) {

    /** The name of one setting, for error messages: a full property name, or an annotation attribute. */
    String setting(String property, String attribute) {
        return origin.endsWith(".") ? origin + property : "@MigratedRepository(" + attribute + ") on " + origin;
    }
}
