package dev.cutover.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Which Cutover module a class belongs to, read from where its class file was loaded.
 *
 * <p>In the reactor a module's classes come from {@code <module>/target/classes} or from the jar
 * beside it in {@code <module>/target}; from a local repository they come from
 * {@code cutover-<module>-<version>.jar}. Either way the module is named by its directory, so
 * {@code dev.cutover.replication.dynamodb} belongs to {@code replication-dynamodb} while
 * {@code dev.cutover.replication} belongs to {@code replication}, with no package map to keep up to
 * date. This module's own test classes, the fixtures among them, belong to {@code architecture}.
 *
 * <p>A shaded jar (the cli's executable jar, which the reactor hands on in place of the module's
 * own jar) also holds copies of the classes of the modules it bundles. Only the module's own
 * classes count ({@link #isOwn}); the copies are neither imported nor used to name a module.
 */
final class CutoverModules {

    /** The modules that Cutover publishes: the rules check their main classes. */
    static final Set<String> PUBLISHED = Set.of(
            "flags-core",
            "flags-jdbc",
            "flags-dynamodb",
            "common",
            "dual-write",
            "replication",
            "replication-dynamodb",
            "replication-postgres",
            "replication-sqs",
            "replication-kafka",
            "openfeature",
            "testkit",
            "cli",
            "spring-boot-starter");

    /** Where nothing names a Cutover module: the JDK, third-party libraries. */
    static final String NONE = "";

    private static final Pattern IN_TARGET =
            Pattern.compile("/([^/!]+)/target/(?:classes|test-classes|[^/!]+\\.jar)(?:[/!]|$)");
    private static final Pattern ARTIFACT = Pattern.compile("/cutover-([a-z0-9-]+?)-\\d[^/!]*\\.jar!");
    private static final Map<String, String> BY_CLASS_NAME = new ConcurrentHashMap<>();
    private static final Map<Path, Set<String>> ENTRIES = new ConcurrentHashMap<>();

    private CutoverModules() {}

    /**
     * Whether the class file at {@code location} is its module's own: anything but a copy that a
     * shaded jar bundles from another module. In the reactor a jar's own classes are those of the
     * {@code classes} folder beside it; elsewhere those of the {@code original-} jar beside it, if
     * there is one.
     */
    static boolean isOwn(URI location) {
        String text = location.toString();
        int separator = text.indexOf("!/");
        if (!text.startsWith("jar:") || separator < 0) {
            return true;
        }
        Path jar = Path.of(URI.create(text.substring("jar:".length(), separator)));
        String entry = text.substring(separator + 2);
        Path classes = jar.resolveSibling("classes");
        if (Files.isDirectory(classes)) {
            return Files.isRegularFile(classes.resolve(entry));
        }
        Path original = jar.resolveSibling("original-" + jar.getFileName());
        return !Files.isRegularFile(original)
                || ENTRIES.computeIfAbsent(original, CutoverModules::entries).contains(entry);
    }

    private static Set<String> entries(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    /** The module of {@code javaClass}, or {@link #NONE}. */
    static String of(JavaClass javaClass) {
        return javaClass
                .getSource()
                .map(source -> of(source.getUri()))
                .filter(module -> !module.equals(NONE))
                .orElseGet(() -> ofClassName(javaClass.getName()));
    }

    /** The module of the class or jar at {@code location}, or {@link #NONE}. */
    static String of(URI location) {
        String text = location.toString();
        Matcher inTarget = IN_TARGET.matcher(text);
        if (inTarget.find()) {
            return inTarget.group(1);
        }
        Matcher artifact = ARTIFACT.matcher(text);
        return artifact.find() ? artifact.group(1) : NONE;
    }

    /**
     * The module of a class known only by name, as the class path has it: ArchUnit keeps no source
     * for the classes it did not import.
     */
    static String ofClassName(String className) {
        return BY_CLASS_NAME.computeIfAbsent(className, name -> {
            ClassLoader loader = CutoverModules.class.getClassLoader();
            try {
                Enumeration<URL> found = loader.getResources(name.replace('.', '/') + ".class");
                while (found.hasMoreElements()) {
                    URI location = toUri(found.nextElement());
                    if (isOwn(location)) {
                        return of(location);
                    }
                }
                return NONE;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static URI toUri(URL url) {
        return URI.create(url.toString().replace(" ", "%20"));
    }

    /** Imports only the main classes of the published modules. */
    static final class PublishedMainClasses implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return PUBLISHED.contains(of(location.asURI())) && isOwn(location.asURI());
        }
    }
}
