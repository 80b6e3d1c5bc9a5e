package io.github.realtimepatterns.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the Java code of a docs page in step with compiled, executed test code.
 *
 * <p>In the markdown, every {@code ```java} block is preceded (blank lines allowed) by a marker line
 * {@code <!-- snippet: NAME -->}. In the Java source, snippet {@code NAME} is the lines between {@code //
 * snippet: NAME} and {@code // end snippet: NAME}, dedented by their smallest indentation; marker lines of
 * other snippets inside a region are left out, so regions may nest. Relative paths resolve against the
 * working directory, which for surefire is the module's directory (docs are at {@code ../docs/PAGE.md}).
 *
 * <pre>{@code
 * DocSnippets.assertDocMatches(Path.of("../docs/polling.md"),
 *         Path.of("src/test/java/io/github/realtimepatterns/polling/PollingDocsTest.java"));
 * }</pre>
 */
public final class DocSnippets {

    private static final Pattern DOC_MARKER = Pattern.compile("^\\s*<!--\\s*snippet:\\s*(\\S+)\\s*-->\\s*$");
    private static final Pattern CODE_START = Pattern.compile("^\\s*//\\s*snippet:\\s*(\\S+)\\s*$");
    private static final Pattern CODE_END = Pattern.compile("^\\s*//\\s*end snippet:\\s*(\\S+)\\s*$");
    private static final String FENCE = "```";

    private DocSnippets() {
    }

    /** A {@code ```java} block of the page: its marker name (null when it has none) and its text. */
    record DocBlock(String name, int line, String text) {
    }

    /**
     * Fails listing every problem at once: a {@code ```java} block without a marker, a marker not followed
     * by a {@code ```java} block, a marker whose snippet the source lacks, a block whose text differs from
     * its snippet (both shown). Also fails when the page has no java block at all, which would make the
     * check vacuous.
     */
    public static void assertDocMatches(Path markdown, Path javaSource) {
        List<DocBlock> blocks = blocks(read(markdown));
        Map<String, String> snippets = snippets(read(javaSource));
        List<String> problems = new ArrayList<>();
        if (blocks.isEmpty()) {
            problems.add(markdown + " has no ```java block");
        }
        for (DocBlock block : blocks) {
            String where = markdown + ":" + block.line();
            if (block.name() == null) {
                problems.add(where + ": a ```java block without a <!-- snippet: NAME --> marker line before it:\n"
                        + block.text());
                continue;
            }
            if (block.text() == null) {
                problems.add(where + ": marker '" + block.name() + "' is not followed by a ```java block");
                continue;
            }
            String code = snippets.get(block.name());
            if (code == null) {
                problems.add(where + ": snippet '" + block.name() + "' is not in " + javaSource
                        + " (mark it with // snippet: " + block.name() + " ... // end snippet: " + block.name() + ")");
            } else if (!code.equals(block.text())) {
                problems.add(where + ": snippet '" + block.name() + "' differs from " + javaSource
                        + "\n--- doc:\n" + block.text() + "\n--- code:\n" + code + "\n---");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " doc snippet problem(s):\n\n" + String.join("\n\n", problems));
        }
    }

    /** The java blocks of a page, with the marker before each (or null) and the line of the fence. */
    static List<DocBlock> blocks(List<String> lines) {
        List<DocBlock> blocks = new ArrayList<>();
        String pendingMarker = null;
        int markerLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.startsWith(FENCE)) {
                boolean java = trimmed.substring(FENCE.length()).strip().equals("java");
                int close = i + 1;
                while (close < lines.size() && !lines.get(close).strip().startsWith(FENCE)) {
                    close++;
                }
                if (java) {
                    blocks.add(new DocBlock(pendingMarker, i + 1, String.join("\n", lines.subList(i + 1, close))));
                } else if (pendingMarker != null) {
                    blocks.add(new DocBlock(pendingMarker, markerLine, null));
                }
                pendingMarker = null;
                i = close;
                continue;
            }
            Matcher marker = DOC_MARKER.matcher(line);
            if (marker.matches()) {
                if (pendingMarker != null) {
                    blocks.add(new DocBlock(pendingMarker, markerLine, null));
                }
                pendingMarker = marker.group(1);
                markerLine = i + 1;
            } else if (!trimmed.isEmpty() && pendingMarker != null) {
                blocks.add(new DocBlock(pendingMarker, markerLine, null));
                pendingMarker = null;
            }
        }
        if (pendingMarker != null) {
            blocks.add(new DocBlock(pendingMarker, markerLine, null));
        }
        return blocks;
    }

    /** Every complete snippet region of a source, by name, dedented. */
    static Map<String, String> snippets(List<String> lines) {
        Map<String, String> snippets = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher start = CODE_START.matcher(lines.get(i));
            if (!start.matches()) {
                continue;
            }
            String name = start.group(1);
            List<String> body = new ArrayList<>();
            boolean ended = false;
            for (int j = i + 1; j < lines.size(); j++) {
                String line = lines.get(j);
                Matcher end = CODE_END.matcher(line);
                if (end.matches() && end.group(1).equals(name)) {
                    ended = true;
                    break;
                }
                if (!end.matches() && !CODE_START.matcher(line).matches()) {
                    body.add(line);
                }
            }
            if (!ended) {
                throw new AssertionError("snippet '" + name + "' has no // end snippet: " + name);
            }
            if (snippets.put(name, dedent(body)) != null) {
                throw new AssertionError("snippet '" + name + "' is marked twice");
            }
        }
        return snippets;
    }

    private static String dedent(List<String> body) {
        int indent = body.stream()
                .filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        List<String> out = new ArrayList<>();
        for (String line : body) {
            out.add(line.isBlank() ? "" : line.substring(indent).stripTrailing());
        }
        return String.join("\n", out);
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath().normalize()
                    + " (relative paths resolve against the module directory)", e);
        }
    }
}
