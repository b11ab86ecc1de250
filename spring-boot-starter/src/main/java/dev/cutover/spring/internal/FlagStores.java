package dev.cutover.spring.internal;

import dev.cutover.flags.spi.FlagStore;
import dev.cutover.flags.store.JsonFileFlagStore;
import dev.cutover.spring.CutoverConfigurationException;
import dev.cutover.spring.CutoverProperties;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Builds the flag store that {@code cutover.flags.store} names. The JDBC and DynamoDB stores live in
 * optional modules; their classes are touched only when chosen, after checking they are present.
 */
final class FlagStores {
    static final String STORE = "cutover.flags.store";
    static final String JSON_FILE = "json-file";
    static final String JDBC = "jdbc";
    static final String DYNAMODB = "dynamodb";

    private FlagStores() {}

    static FlagStore create(CutoverProperties.Flags flags, ListableBeanFactory beans, Settings settings) {
        String kind = Settings.choice(STORE, flags.getStore(), JSON_FILE, JDBC, DYNAMODB);
        switch (kind) {
            case JSON_FILE:
                return JsonFileFlagStore.of(path("cutover.flags.file", flags.getFile(), "the JSON file of flags"));
            case JDBC:
                requireModule(kind, "dev.cutover.flags.jdbc.JdbcFlagStore", "cutover-flags-jdbc");
                return JdbcStores.flagStore(flags.getJdbc(), beans, settings);
            default:
                requireModule(kind, "dev.cutover.flags.dynamodb.DynamoDbFlagStore", "cutover-flags-dynamodb");
                requireModule(
                        kind,
                        "software.amazon.awssdk.services.dynamodb.DynamoDbClient",
                        "software.amazon.awssdk:dynamodb");
                return DynamoDbStores.flagStore(flags.getDynamodb(), beans, settings);
        }
    }

    private static void requireModule(String kind, String className, String artifact) {
        if (!Settings.present(className)) {
            throw new CutoverConfigurationException(
                    STORE,
                    kind,
                    "but " + className + " is not on the class path",
                    "Add the dependency " + (artifact.contains(":") ? artifact : "dev.cutover:" + artifact)
                            + " to the application");
        }
    }

    /** A path setting, required. */
    static Path path(String property, String value, String what) {
        if (value == null || value.isBlank()) {
            throw new CutoverConfigurationException(
                    property,
                    value == null ? null : value,
                    "but " + STORE + " is json-file, which reads " + what,
                    "Set " + property + " to " + what);
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new CutoverConfigurationException(
                    property, value, "which is not a valid path: " + e.getReason(), "Set " + property + " to " + what);
        }
    }
}
