package com.example.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The artifacts as the Cutover build installed them into this test's own local repository: what a
 * repository manager and Maven Central require of each (metadata, sources, Javadoc) and the
 * module name each jar gives the module path.
 */
class PublishedArtifactsTest {

  private static final String GROUP = "dev.cutover";
  private static final String PROJECT_URL = "https://github.com/cutover-dev/cutover";

  /** The Automatic-Module-Name of every published jar. */
  private static final Map<String, String> MODULE_NAMES = Map.ofEntries(
      Map.entry("cutover-flags-core", "dev.cutover.flags"),
      Map.entry("cutover-testkit", "dev.cutover.testkit"),
      Map.entry("cutover-flags-jdbc", "dev.cutover.flags.jdbc"),
      Map.entry("cutover-flags-dynamodb", "dev.cutover.flags.dynamodb"),
      Map.entry("cutover-common", "dev.cutover.common"),
      Map.entry("cutover-dual-write", "dev.cutover.dualwrite"),
      Map.entry("cutover-replication", "dev.cutover.replication"),
      Map.entry("cutover-replication-dynamodb", "dev.cutover.replication.dynamodb"),
      Map.entry("cutover-replication-postgres", "dev.cutover.replication.postgres"),
      Map.entry("cutover-replication-sqs", "dev.cutover.replication.sqs"),
      Map.entry("cutover-replication-kafka", "dev.cutover.replication.kafka"),
      Map.entry("cutover-openfeature", "dev.cutover.openfeature"),
      Map.entry("cutover-cli", "dev.cutover.cli"),
      Map.entry("cutover-spring-boot-starter", "dev.cutover.spring"));

  private static final Set<String> POMS = Set.of("cutover-parent", "cutover-bom");

  private final String version = property("cutover.version");
  private final Path repository = Path.of(property("cutover.repository"));
  private final Set<String> published = list(property("cutover.published"));

  @Test
  void theBomManagesEveryPublishedModuleAtThisVersion() throws Exception {
    Document bom = parse(pom("cutover-bom"));
    Element management = child(bom.getDocumentElement(), "dependencyManagement");
    assertNotNull(management, "the BOM has dependencyManagement");
    Set<String> managed = new LinkedHashSet<>();
    for (Element dependency : children(child(management, "dependencies"), "dependency")) {
      assertEquals(GROUP, text(dependency, "groupId"));
      assertEquals("${project.version}", text(dependency, "version"), text(dependency, "artifactId"));
      managed.add(text(dependency, "artifactId"));
    }
    Set<String> modules = new LinkedHashSet<>(published);
    modules.removeAll(POMS);
    assertEquals(modules, managed, "BOM entries: the published modules");
    assertEquals(MODULE_NAMES.keySet(), managed, "every BOM entry has its module name here");
  }

  @Test
  void everyPublishedPomCarriesTheMetadataCentralRequires() throws Exception {
    for (String artifactId : published) {
      Path pom = pom(artifactId);
      Document document = parse(pom);
      Element project = document.getDocumentElement();
      assertEquals(artifactId, text(project, "artifactId"), pom.toString());
      assertNotBlank(text(project, "name"), artifactId + " name");
      assertNotBlank(text(project, "description"), artifactId + " description");

      assertEquals(PROJECT_URL, effective(project, artifactId, List.of("url")), artifactId + " url");
      assertEquals(PROJECT_URL, effective(project, artifactId, List.of("scm", "url")), artifactId + " scm url");
      assertEquals("scm:git:" + PROJECT_URL + ".git",
          effective(project, artifactId, List.of("scm", "connection")), artifactId + " scm connection");
      assertNotBlank(effective(project, artifactId, List.of("scm", "developerConnection")),
          artifactId + " scm developerConnection");
      assertEquals("Apache-2.0",
          effective(project, artifactId, List.of("licenses", "license", "name")), artifactId + " license");
      assertEquals("Cutover maintainers",
          effective(project, artifactId, List.of("developers", "developer", "name")), artifactId + " developer");
    }
  }

  @Test
  void everyPublishedJarHasSourcesJavadocAndItsModuleName() throws Exception {
    for (String artifactId : published) {
      if (POMS.contains(artifactId)) {
        continue;
      }
      Path jar = artifact(artifactId, "", "jar");
      try (JarFile file = new JarFile(jar.toFile())) {
        Manifest manifest = file.getManifest();
        assertNotNull(manifest, jar + " has a manifest");
        assertEquals(MODULE_NAMES.get(artifactId),
            manifest.getMainAttributes().getValue("Automatic-Module-Name"), jar + " Automatic-Module-Name");
        assertTrue(file.stream().anyMatch(e -> e.getName().endsWith(".class")), jar + " has classes");
        if (artifactId.equals("cutover-cli")) {
          assertEquals("dev.cutover.cli.Main", manifest.getMainAttributes().getValue("Main-Class"),
              "the CLI jar runs with java -jar");
        }
      }
      Path sources = artifact(artifactId, "-sources", "jar");
      try (JarFile file = new JarFile(sources.toFile())) {
        assertTrue(file.stream().anyMatch(e -> e.getName().endsWith(".java")), sources + " has sources");
      }
      Path javadoc = artifact(artifactId, "-javadoc", "jar");
      try (JarFile file = new JarFile(javadoc.toFile())) {
        assertNotNull(file.getEntry("index.html"), javadoc + " has index.html");
        List<String> internal = file.stream().map(e -> e.getName())
            .filter(n -> n.endsWith(".html") && n.contains("/internal/"))
            .collect(Collectors.toList());
        assertEquals(List.of(), internal, javadoc + " documents no internal package");
      }
    }
  }

  /**
   * The value at {@code path} under {@code project}, else inherited from the parent pom the way
   * Maven inherits it: a URL gets the child's artifactId appended unless the parent's element says
   * {@code child.*.inherit.append.path="false"}.
   */
  private String effective(Element project, String artifactId, List<String> path) throws Exception {
    String own = text(project, path);
    if (own != null) {
      return own;
    }
    Element parent = child(project, "parent");
    if (parent == null) {
      fail(artifactId + " has no " + String.join("/", path) + " and no parent to inherit it from");
    }
    assertEquals(GROUP, text(parent, "groupId"), artifactId + " parent");
    String parentId = text(parent, "artifactId");
    Element parentProject = parse(pom(parentId)).getDocumentElement();
    String inherited = effective(parentProject, parentId, path);
    String last = path.get(path.size() - 1);
    boolean isUrl = last.equals("url") && (path.size() == 1 || path.get(0).equals("scm"))
        || path.get(0).equals("scm") && (last.equals("connection") || last.equals("developerConnection"));
    if (!isUrl) {
      return inherited;
    }
    Element holder = path.size() == 1 ? parentProject : child(parentProject, path.get(0));
    String attribute = "child." + (path.size() == 1 ? "project" : "scm") + "." + last + ".inherit.append.path";
    boolean append = holder == null || !"false".equals(holder.getAttribute(attribute));
    return append ? inherited + "/" + artifactId : inherited;
  }

  private Path pom(String artifactId) {
    return artifact(artifactId, "", "pom");
  }

  private Path artifact(String artifactId, String classifier, String extension) {
    Path file = repository.resolve(GROUP.replace('.', '/')).resolve(artifactId).resolve(version)
        .resolve(artifactId + "-" + version + classifier + "." + extension);
    assertTrue(Files.isRegularFile(file), "installed for the test: " + file);
    return file;
  }

  private static Document parse(Path file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(false);
    return factory.newDocumentBuilder().parse(file.toFile());
  }

  private static String text(Element element, String name) {
    return text(element, List.of(name));
  }

  private static String text(Element element, List<String> path) {
    Element current = element;
    for (String name : path) {
      current = child(current, name);
      if (current == null) {
        return null;
      }
    }
    return current.getTextContent().trim();
  }

  private static Element child(Element element, String name) {
    List<Element> found = children(element, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static List<Element> children(Element element, String name) {
    List<Element> found = new ArrayList<>();
    for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        found.add(e);
      }
    }
    return found;
  }

  private static void assertNotBlank(String value, String what) {
    assertNotNull(value, what);
    assertFalse(value.isBlank(), what);
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertNotNull(value, "system property " + name + " (set by the packaging test's pom)");
    assertFalse(value.isBlank() || value.startsWith("@"), name + " was not filtered: " + value);
    return value;
  }

  private static Set<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

}
