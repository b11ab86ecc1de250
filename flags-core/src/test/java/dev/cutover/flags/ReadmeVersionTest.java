package dev.cutover.flags;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The README's build snippets name the version the build produces, so a user who copies them gets
 * an artifact that exists: the BOM import (Maven and Gradle), the OpenFeature dependency and the
 * CLI jar name all equal the root pom's version.
 */
class ReadmeVersionTest {
    private static final List<Pattern> MENTIONS = List.of(
            Pattern.compile("<artifactId>cutover-[a-z-]+</artifactId>\\s*<version>([^<]+)</version>"),
            Pattern.compile("\"dev\\.cutover:cutover-bom:([^\"]+)\""),
            Pattern.compile("cutover-cli-([0-9][^ /`]*?)\\.jar"));

    @Test
    void everyVersionInTheReadmeIsTheProjectVersion() throws Exception {
        String version = projectVersion(Path.of("..", "pom.xml"));
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> found = new ArrayList<>();
        for (Pattern p : MENTIONS) {
            Matcher m = p.matcher(readme);
            while (m.find()) {
                found.add(m.group(0).replaceAll("\\s+", " ") + " -> " + m.group(1));
                assertThat(m.group(1)).as("README.md: %s", m.group(0)).isEqualTo(version);
            }
        }
        assertThat(found)
                .as("the BOM snippets were found")
                .anyMatch(f -> f.contains("cutover-bom</artifactId>"))
                .anyMatch(f -> f.contains("dev.cutover:cutover-bom:"));
    }

    /** The {@code <version>} directly under the root pom's {@code <project>}. */
    private static String projectVersion(Path pom) throws Exception {
        Element project = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(pom.toFile())
                .getDocumentElement();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("version")) {
                return e.getTextContent().trim();
            }
        }
        throw new AssertionError("no <version> in " + pom);
    }
}
