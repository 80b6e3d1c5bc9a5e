package io.github.realtimepatterns.examples.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the project's markdown pages for the docs tests: where they are, their fenced code blocks, the
 * block that follows a marker comment. Relative paths resolve against the examples module's directory
 * (the working directory of surefire and failsafe), so the repository root is {@code ..}.
 */
public final class DocsPages {

    /** The repository root, seen from the examples module. */
    public static final Path ROOT = Path.of("..");

    /** The docs directory. */
    public static final Path DOCS = ROOT.resolve("docs");

    private static final String FENCE = "```";

    private DocsPages() {
    }

    /** A fenced code block: its info string ({@code nginx}, {@code sh}, ...), the line of its fence, its text. */
    public record Block(String info, int line, String text) {
    }

    /** Every markdown page under {@code docs/}, sorted, plus the README at the root. */
    public static List<Path> allPages() {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> files = Files.walk(DOCS)) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DOCS.toAbsolutePath().normalize(), e);
        }
        return pages;
    }

    /** The page's lines. */
    public static List<String> lines(Path page) {
        try {
            return Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + page.toAbsolutePath().normalize(), e);
        }
    }

    /** Every fenced block of the page, in order. */
    public static List<Block> blocks(Path page) {
        List<String> lines = lines(page);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).strip();
            if (!trimmed.startsWith(FENCE)) {
                continue;
            }
            int close = i + 1;
            while (close < lines.size() && !lines.get(close).strip().startsWith(FENCE)) {
                close++;
            }
            blocks.add(new Block(trimmed.substring(FENCE.length()).strip(), i + 1,
                    String.join("\n", lines.subList(i + 1, Math.min(close, lines.size())))));
            i = close;
        }
        return blocks;
    }

    /** The lines of the page outside fenced blocks (a link in a code sample is not a link). */
    public static List<String> prose(Path page) {
        List<String> lines = lines(page);
        List<String> prose = new ArrayList<>();
        boolean inFence = false;
        for (String line : lines) {
            if (line.strip().startsWith(FENCE)) {
                inFence = !inFence;
                prose.add("");
            } else {
                prose.add(inFence ? "" : line);
            }
        }
        return prose;
    }

    /**
     * The fenced block that follows the line {@code <!-- MARKER... -->} (blank lines allowed between);
     * fails unless exactly one such marker is on the page and a block follows it.
     */
    public static Block markedBlock(Path page, String marker) {
        Pattern markerLine = Pattern.compile("^\\s*<!--\\s*" + Pattern.quote(marker) + "\\b.*-->\\s*$");
        List<String> lines = lines(page);
        int found = -1;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = markerLine.matcher(lines.get(i));
            if (m.matches()) {
                if (found >= 0) {
                    throw new AssertionError(page + ": marker <!-- " + marker + " --> is there twice (lines "
                            + (found + 1) + " and " + (i + 1) + ")");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new AssertionError(page + " has no <!-- " + marker + " --> marker");
        }
        int fenceLine = found + 1;
        while (fenceLine < lines.size() && lines.get(fenceLine).isBlank()) {
            fenceLine++;
        }
        if (fenceLine >= lines.size() || !lines.get(fenceLine).strip().startsWith(FENCE)) {
            throw new AssertionError(page + ":" + (found + 1) + ": marker <!-- " + marker
                    + " --> is not followed by a fenced block");
        }
        int fence = fenceLine + 1;
        return blocks(page).stream().filter(b -> b.line() == fence).findFirst().orElseThrow();
    }
}
