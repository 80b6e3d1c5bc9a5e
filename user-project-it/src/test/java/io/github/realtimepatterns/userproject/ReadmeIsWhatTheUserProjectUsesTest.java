package io.github.realtimepatterns.userproject;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The user project that the invoker builds ({@code src/it/two-patterns}) uses only what the README shows: its
 * dependency block (the BOM import, the modules without versions) and its "add it to your server" code,
 * so the README cannot drift from what is proven to build and run.
 */
class ReadmeIsWhatTheUserProjectUsesTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path USER_POM = Path.of("src", "it", "two-patterns", "pom.xml");
    private static final Path USER_CODE = Path.of("src", "it", "two-patterns", "src", "main", "java", "com",
            "example", "chat", "ChatServer.java");
    private static final List<String> PATTERNS = List.of("polling", "long-polling", "long-polling-broker",
            "sse-db-polling", "websockets-redis");
    private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern ELEMENT = Pattern.compile("<(dependencyManagement|dependency)>.*?</\\1>", Pattern.DOTALL);

    private static List<String> blocks(String language) throws IOException {
        List<String> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(README));
        while (m.find()) {
            if (m.group(1).equals(language)) {
                found.add(m.group(2));
            }
        }
        return found;
    }

    private static String squeeze(String text) {
        return text.replaceAll("<!--.*?-->", "").replaceAll("\\s+", " ").replace("> <", "><").strip();
    }

    private static String readmeDependencyBlock() throws IOException {
        return blocks("xml").stream().filter(b -> b.contains("realtime-patterns-bom")).findFirst()
                .orElseThrow(() -> new AssertionError("README has no xml block importing realtime-patterns-bom"));
    }

    @Test
    void theReadmesDependencyBlockIsInTheUserProjectAsItStands() throws IOException {
        String block = readmeDependencyBlock();
        String version = System.getProperty("project.version");
        assertThat(block).contains("<version>" + version + "</version>");
        String pom = squeeze(Files.readString(USER_POM).replace("@project.version@", version));
        // The dependencyManagement element whole (with the BOM import), then each module's dependency.
        Matcher elements = ELEMENT.matcher(block.replaceAll("<!--.*?-->", ""));
        int seen = 0;
        while (elements.find()) {
            assertThat(pom).as("the user project's pom.xml").contains(squeeze(elements.group()));
            seen++;
        }
        assertThat(seen).as("elements of the README's dependency block").isGreaterThanOrEqualTo(3);
        // Only the BOM carries a version: the modules take theirs from it.
        assertThat(block.split("<version>", -1)).hasSize(2);
    }

    @Test
    void theReadmesServerExampleIsTheUserProjectsCodeWithItsImports() throws IOException {
        String code = Files.readString(USER_CODE);
        String example = blocks("java").stream().filter(b -> b.contains("RealtimeService.builder(store)"))
                .findFirst().orElseThrow(() -> new AssertionError("README has no java block building a RealtimeService"));
        String region = code.substring(code.indexOf("// snippet: add-to-your-server\n") + "// snippet: add-to-your-server\n".length(),
                code.indexOf("// end snippet: add-to-your-server"));
        List<String> body = new ArrayList<>();
        for (String line : example.split("\n")) {
            if (line.startsWith("import ")) {
                assertThat(code).as("ChatServer.java imports").contains(line);
            } else if (!line.isBlank()) {
                body.add(line.strip());
            }
        }
        List<String> expected = region.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertThat(body).isEqualTo(expected);
        assertThat(expected.size()).as("lines of the example").isBetween(8, 14);
    }

    @Test
    void everyModulePageOpensWithItsDependencyBlockOverTheBomAndShowsServerSidePublishing() throws IOException {
        String version = System.getProperty("project.version");
        for (String pattern : PATTERNS) {
            String page = Files.readString(Path.of("..", "docs", pattern + ".md"));
            Matcher first = BLOCK.matcher(page);
            assertThat(first.find()).as(pattern + ".md has a code block").isTrue();
            assertThat(first.group(1)).as("the first block of " + pattern + ".md").isEqualTo("xml");
            String before = page.substring(0, first.start()).strip();
            assertThat(before).as("what comes before it: the title alone").startsWith("# " + pattern).doesNotContain("\n");
            String block = squeeze(first.group(2));
            assertThat(block).contains(squeeze("<artifactId>realtime-patterns-bom</artifactId><version>" + version
                    + "</version><type>pom</type><scope>import</scope>"));
            assertThat(block).contains(squeeze("<dependency><groupId>io.github.realtimepatterns</groupId><artifactId>"
                    + pattern + "</artifactId></dependency>"));
            assertThat(page).as(pattern + ".md").contains("handler.service().publish(");
        }
        assertThat(Files.readString(README)).contains("handler.service().publish(");
    }

    @Test
    void theBomManagesEveryLibraryModuleAndNothingElse() throws IOException {
        String bomPom = Files.readString(Path.of("..", "bom", "pom.xml"));
        String bom = bomPom.substring(bomPom.indexOf("<dependencyManagement>"), bomPom.indexOf("</dependencyManagement>"));
        String parent = Files.readString(Path.of("..", "pom.xml"));
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        List<String> libraries = new ArrayList<>();
        while (modules.find()) {
            if (!List.of("bom", "examples", "user-project-it").contains(modules.group(1))) {
                libraries.add(modules.group(1));
            }
        }
        assertThat(libraries).contains("patterns-core").containsAll(PATTERNS);
        Matcher managed = Pattern.compile("<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>").matcher(bom);
        List<String> artifacts = new ArrayList<>();
        while (managed.find()) {
            if (!managed.group(2).isEmpty()) {
                assertThat(managed.group(1)).as("groupId of " + managed.group(2)).isEqualTo("io.github.realtimepatterns");
                artifacts.add(managed.group(2));
            }
        }
        assertThat(artifacts.stream().distinct().toList()).containsExactlyInAnyOrderElementsOf(libraries);
        assertThat(bomPom).doesNotContain("<parent>");
    }
}
