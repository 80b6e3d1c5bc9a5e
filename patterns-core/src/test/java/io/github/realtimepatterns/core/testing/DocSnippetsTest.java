package io.github.realtimepatterns.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocSnippetsTest {

    private static final String SOURCE = """
            class Example {
                void run() {
                    // snippet: hello
                    String greeting = "hi";
                    if (greeting != null) {
                        System.out.println(greeting);
                    }
                    // end snippet: hello
                    // snippet: outer
                    int a = 1;
                    // snippet: inner
                    int b = 2;
                    // end snippet: inner
                    // end snippet: outer
                }
            }
            """;

    private static final String HELLO = """
            String greeting = "hi";
            if (greeting != null) {
                System.out.println(greeting);
            }""";

    @TempDir
    Path dir;

    private Path source() throws IOException {
        return Files.writeString(dir.resolve("Example.java"), SOURCE);
    }

    private Path doc(String text) throws IOException {
        return Files.writeString(dir.resolve("page.md"), text);
    }

    @Test
    void passesWhenEveryBlockIsItsSnippetDedented() throws IOException {
        Path doc = doc("# Page\n\n<!-- snippet: hello -->\n```java\n" + HELLO + "\n```\n\ntext\n\n"
                + "<!-- snippet: outer -->\n\n```java\nint a = 1;\nint b = 2;\n```\n\n```mermaid\nx\n```\n"
                + "<!-- snippet: inner -->\n```java\nint b = 2;\n```\n");

        assertThatCode(() -> DocSnippets.assertDocMatches(doc, source())).doesNotThrowAnyException();
    }

    @Test
    void failsShowingBothTextsWhenABlockDrifted() throws IOException {
        Path doc = doc("<!-- snippet: hello -->\n```java\nString greeting = \"hello\";\n```\n");

        assertThatThrownBy(() -> DocSnippets.assertDocMatches(doc, source()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("snippet 'hello' differs")
                .hasMessageContaining("--- doc:\nString greeting = \"hello\";")
                .hasMessageContaining("--- code:\n" + HELLO);
    }

    @Test
    void failsOnAJavaBlockWithoutMarker() throws IOException {
        Path doc = doc("<!-- snippet: hello -->\n```java\n" + HELLO + "\n```\n\n```java\nint x = 1;\n```\n");

        assertThatThrownBy(() -> DocSnippets.assertDocMatches(doc, source()))
                .hasMessageContaining("page.md:9: a ```java block without a <!-- snippet: NAME --> marker")
                .hasMessageContaining("int x = 1;");
    }

    @Test
    void failsOnAMarkerWhoseSnippetIsMissing() throws IOException {
        Path doc = doc("<!-- snippet: goodbye -->\n```java\nint x = 1;\n```\n");

        assertThatThrownBy(() -> DocSnippets.assertDocMatches(doc, source()))
                .hasMessageContaining("snippet 'goodbye' is not in");
    }

    @Test
    void failsOnAMarkerWithoutJavaBlock() throws IOException {
        Path doc = doc("<!-- snippet: hello -->\nSome prose.\n");

        assertThatThrownBy(() -> DocSnippets.assertDocMatches(doc, source()))
                .hasMessageContaining("marker 'hello' is not followed by a ```java block");
    }

    @Test
    void listsEveryProblemAtOnce() throws IOException {
        Path doc = doc("```java\nint x = 1;\n```\n\n<!-- snippet: hello -->\n```java\nint y = 2;\n```\n");

        assertThatThrownBy(() -> DocSnippets.assertDocMatches(doc, source()))
                .hasMessageStartingWith("4 doc snippet problem(s)")
                .hasMessageContaining("snippet 'outer' of " + dir.resolve("Example.java") + " is not shown")
                .hasMessageContaining("snippet 'inner' of " + dir.resolve("Example.java") + " is not shown");
    }

    @Test
    void failsOnASnippetThePageDoesNotShow() throws IOException {
        Path doc = doc("<!-- snippet: hello -->\n```java\n" + HELLO + "\n```\n\n<!-- snippet: outer -->\n```java\n"
                + "int a = 1;\nint b = 2;\n```\n");

        assertThatThrownBy(() -> DocSnippets.assertDocMatches(doc, source()))
                .hasMessageStartingWith("1 doc snippet problem(s)")
                .hasMessageContaining("snippet 'inner' of " + dir.resolve("Example.java") + " is not shown in " + doc);
    }

    @Test
    void aNameMarkedInSeveralRegionsIsOneSnippetOfItsParts() {
        String source = """
                package demo;

                // snippet: run
                import a.First;
                // end snippet: run
                import b.Unrelated;
                // snippet: run
                import c.Second;
                // end snippet: run

                class Demo {
                    void run() {
                        // snippet: run
                        First.go();
                        Second.go();
                        // end snippet: run
                        // snippet: run
                        First.stop();
                        // end snippet: run
                    }
                }
                """;

        assertThat(DocSnippets.snippets(source.lines().toList())).containsExactly(Map.entry("run",
                "import a.First;\nimport c.Second;\n\nFirst.go();\nSecond.go();\n\nFirst.stop();"));
    }

    @Test
    void takesTheBlocksOfOnePageFromSeveralSources() throws IOException {
        Path other = Files.writeString(dir.resolve("Other.java"), "// snippet: other\nint c = 3;\n// end snippet: other\n");
        Path doc = doc("<!-- snippet: hello -->\n```java\n" + HELLO + "\n```\n<!-- snippet: outer -->\n```java\n"
                + "int a = 1;\nint b = 2;\n```\n<!-- snippet: inner -->\n```java\nint b = 2;\n```\n"
                + "<!-- snippet: other -->\n```java\nint c = 3;\n```\n");

        assertThatCode(() -> DocSnippets.assertDocMatches(doc, source(), other)).doesNotThrowAnyException();
    }

    @Test
    void failsOnANameMarkedInTwoSources() throws IOException {
        Path other = Files.writeString(dir.resolve("Other.java"), "// snippet: hello\nint c = 3;\n// end snippet: hello\n");
        Path doc = doc("<!-- snippet: hello -->\n```java\n" + HELLO + "\n```\n");

        assertThatThrownBy(() -> DocSnippets.assertDocMatches(doc, source(), other))
                .hasMessageContaining("snippet 'hello' is marked in both " + dir.resolve("Example.java") + " and " + other);
    }

    @Test
    void nestedMarkersAreLeftOutOfTheOuterSnippet() {
        assertThat(DocSnippets.snippets(SOURCE.lines().toList()))
                .containsEntry("outer", "int a = 1;\nint b = 2;")
                .containsEntry("inner", "int b = 2;");
    }
}
