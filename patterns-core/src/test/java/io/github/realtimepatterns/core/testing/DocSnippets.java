package io.github.realtimepatterns.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps the Java code of a docs page in step with compiled, executed code.
 *
 * <p>In the markdown, every {@code ```java} block is preceded (blank lines allowed) by a marker line
 * {@code <!-- snippet: NAME -->}. In a Java source, snippet {@code NAME} is the lines between {@code //
 * snippet: NAME} and {@code // end snippet: NAME}, dedented by their smallest indentation; marker lines of
 * other snippets inside a region are left out, so regions may nest. A name marked in several regions of one
 * source is one snippet made of those parts, in source order: that is how a snippet shows the import lines
 * it needs from the top of the file and then its code from a method. Import-only parts follow each other
 * directly; any other two parts are joined by an empty line. A page may take its blocks from several
 * sources (an example main and a test); relative paths resolve against the working directory, which for
 * surefire is the module's directory (docs are at {@code ../docs/PAGE.md}).
 *
 * <pre>{@code
 * DocSnippets.assertDocMatches(Path.of("../docs/polling.md"),
 *         Path.of("../examples/src/main/java/io/github/realtimepatterns/examples/PollingExample.java"));
 * }</pre>
 *
 * @see DocsPageContract
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
     * by a {@code ```java} block, a marker whose snippet no source has, a block whose text differs from its
     * snippet (both shown), a snippet of the sources that the page does not show (a stale marker), a name
     * marked in two sources. Also fails when the page has no java block at all, which would make the check
     * vacuous.
     */
    public static void assertDocMatches(Path markdown, Path... javaSources) {
        assertDocMatches(markdown, List.of(javaSources));
    }

    /** As {@link #assertDocMatches(Path, Path...)}, with the sources as a list. */
    public static void assertDocMatches(Path markdown, List<Path> javaSources) {
        List<DocBlock> blocks = blocks(read(markdown));
        List<String> problems = new ArrayList<>();
        Map<String, String> snippets = new LinkedHashMap<>();
        Map<String, Path> origin = new LinkedHashMap<>();
        for (Path source : javaSources) {
            snippets(read(source)).forEach((name, code) -> {
                Path earlier = origin.putIfAbsent(name, source);
                if (earlier != null) {
                    problems.add("snippet '" + name + "' is marked in both " + earlier + " and " + source);
                } else {
                    snippets.put(name, code);
                }
            });
        }
        String sources = javaSources.stream().map(Path::toString).collect(Collectors.joining(", "));
        if (blocks.isEmpty()) {
            problems.add(markdown + " has no ```java block");
        }
        Set<String> shown = new HashSet<>();
        for (DocBlock block : blocks) {
            String where = markdown + ":" + block.line();
            if (block.name() == null) {
                problems.add(where + ": a ```java block without a <!-- snippet: NAME --> marker line before it:\n"
                        + block.text());
                continue;
            }
            shown.add(block.name());
            if (block.text() == null) {
                problems.add(where + ": marker '" + block.name() + "' is not followed by a ```java block");
                continue;
            }
            String code = snippets.get(block.name());
            if (code == null) {
                problems.add(where + ": snippet '" + block.name() + "' is not in " + sources
                        + " (mark it with // snippet: " + block.name() + " ... // end snippet: " + block.name() + ")");
            } else if (!code.equals(block.text())) {
                problems.add(where + ": snippet '" + block.name() + "' differs from " + origin.get(block.name())
                        + "\n--- doc:\n" + block.text() + "\n--- code:\n" + code + "\n---");
            }
        }
        for (String name : snippets.keySet()) {
            if (!shown.contains(name)) {
                problems.add("snippet '" + name + "' of " + origin.get(name) + " is not shown in " + markdown
                        + " (add <!-- snippet: " + name + " --> and its ```java block, or remove the markers)");
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

    /** Every snippet of a source, by name, in order of first marking: its regions, each dedented, joined. */
    static Map<String, String> snippets(List<String> lines) {
        Map<String, List<String>> parts = new LinkedHashMap<>();
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
            parts.computeIfAbsent(name, n -> new ArrayList<>()).add(dedent(body));
        }
        Map<String, String> snippets = new LinkedHashMap<>();
        parts.forEach((name, list) -> snippets.put(name, join(list)));
        return snippets;
    }

    /** Import-only parts follow each other directly; other parts are set apart by an empty line. */
    private static String join(List<String> parts) {
        StringBuilder out = new StringBuilder(parts.get(0));
        for (int i = 1; i < parts.size(); i++) {
            out.append(importsOnly(parts.get(i - 1)) && importsOnly(parts.get(i)) ? "\n" : "\n\n").append(parts.get(i));
        }
        return out.toString();
    }

    private static boolean importsOnly(String part) {
        return part.lines().filter(l -> !l.isBlank()).allMatch(l -> l.startsWith("import "));
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
