package dev.cutover.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which Cutover module a class belongs to, read from where its class file was loaded.
 *
 * <p>In the reactor a module's classes come from {@code <module>/target/classes} or from the jar
 * beside it in {@code <module>/target}; from a local repository they come from
 * {@code cutover-<module>-<version>.jar}. Either way the module is named by its directory, so
 * {@code dev.cutover.replication.dynamodb} belongs to {@code replication-dynamodb} while
 * {@code dev.cutover.replication} belongs to {@code replication}, with no package map to keep up to
 * date. This module's own test classes, the fixtures among them, belong to {@code architecture}.
 */
final class CutoverModules {

  /** The modules that Cutover publishes: the rules check their main classes. */
  static final Set<String> PUBLISHED =
      Set.of(
          "flags-core",
          "flags-jdbc",
          "flags-dynamodb",
          "common",
          "dual-write",
          "replication",
          "replication-dynamodb",
          "openfeature",
          "testkit",
          "cli");

  /** Where nothing names a Cutover module: the JDK, third-party libraries. */
  static final String NONE = "";

  private static final Pattern IN_TARGET =
      Pattern.compile("/([^/!]+)/target/(?:classes|test-classes|[^/!]+\\.jar)(?:[/!]|$)");
  private static final Pattern ARTIFACT = Pattern.compile("/cutover-([a-z0-9-]+?)-\\d[^/!]*\\.jar!");
  private static final Map<String, String> BY_CLASS_NAME = new ConcurrentHashMap<>();

  private CutoverModules() {}

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
    return BY_CLASS_NAME.computeIfAbsent(
        className,
        name ->
            Optional.ofNullable(CutoverModules.class.getClassLoader())
                .map(loader -> loader.getResource(name.replace('.', '/') + ".class"))
                .map(CutoverModules::toUri)
                .map(CutoverModules::of)
                .orElse(NONE));
  }

  private static URI toUri(URL url) {
    return URI.create(url.toString().replace(" ", "%20"));
  }

  /** Imports only the main classes of the published modules. */
  static final class PublishedMainClasses implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return PUBLISHED.contains(of(location.asURI()));
    }
  }
}
