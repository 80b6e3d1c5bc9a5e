package io.github.realtimepatterns.examples.docs;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code curl} command from a docs page, parsed as the shell and curl would read it, so that the docs
 * tests can replay it with {@code java.net.http}: method, URL, headers, body, whether it runs in the
 * background ({@code &}), and the status the page says it answers (a comment such as {@code # 201} or
 * {@code # -> 404}), if any. Options the replay cannot reproduce are refused with the page and line, so a
 * new example either works or says why not.
 *
 * @param page       the page it is on
 * @param line       the line it starts on
 * @param text       the command as printed
 * @param method     {@code GET}, {@code POST}, ... ({@code -X}, else {@code POST} with a body, else {@code GET})
 * @param uri        the URL
 * @param headers    the {@code -H} headers, plus {@code Content-Type} as curl sets it for {@code -d}
 * @param body       the {@code -d} body, or {@code null}
 * @param background whether the line ends with {@code &}
 * @param expected   the status the page names, or {@code null} for "any 2xx or 304"
 * @param timeout    {@code -m}, else 30 s
 */
record CurlCommand(Path page, int line, String text, String method, URI uri, Map<String, String> headers,
                   String body, boolean background, Integer expected, Duration timeout) {

    private static final Set<String> FLAGS = Set.of("-s", "--silent", "-S", "--show-error", "-N", "--no-buffer",
            "-i", "--include", "-v", "--verbose", "-f", "--fail", "-L", "--location", "-g", "--globoff");
    private static final Set<String> IGNORED_WITH_VALUE = Set.of("-o", "--output", "-w", "--write-out");
    private static final Pattern EXPECTED = Pattern.compile("(?:->|→|answers?|status)\\s*(\\d{3})\\b|^\\s*(\\d{3})\\b");
    private static final Set<String> SHELL_INFO = Set.of("", "sh", "bash", "shell", "console", "zsh");

    /** Every curl command in the page's shell blocks (lines joined at a trailing backslash). */
    static List<CurlCommand> on(Path page) {
        List<CurlCommand> commands = new ArrayList<>();
        for (DocsPages.Block block : DocsPages.blocks(page)) {
            if (!SHELL_INFO.contains(block.info())) {
                continue;
            }
            String[] lines = block.text().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                int start = i;
                StringBuilder command = new StringBuilder(lines[i]);
                while (command.toString().endsWith("\\") && i + 1 < lines.length) {
                    command.setLength(command.length() - 1);
                    command.append(' ').append(lines[++i].strip());
                }
                String text = command.toString().strip();
                if (text.startsWith("$ ")) {
                    text = text.substring(2).strip();
                }
                if (text.startsWith("curl ")) {
                    commands.add(parse(page, block.line() + 1 + start, text));
                }
            }
        }
        return commands;
    }

    /** Parses one command line; fails naming the page and line for what the replay cannot do. */
    static CurlCommand parse(Path page, int line, String text) {
        Tokens tokens = tokenize(text);
        String where = page.normalize() + ":" + line + ": ";
        String method = null;
        URI uri = null;
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> data = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(30);
        List<String> args = tokens.words();
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-")) {
                if (uri != null) {
                    throw new IllegalArgumentException(where + "more than one URL in " + text);
                }
                uri = URI.create(arg);
                continue;
            }
            if (FLAGS.contains(arg) || shortFlags(arg)) {
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(where + arg + " has no value in " + text);
            }
            String value = args.get(++i);
            switch (arg) {
                case "-X", "--request" -> method = value;
                case "-H", "--header" -> {
                    int colon = value.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException(where + "header without a colon: " + value);
                    }
                    headers.put(value.substring(0, colon).strip(), value.substring(colon + 1).strip());
                }
                case "-d", "--data", "--data-raw", "--data-binary", "--data-ascii" -> {
                    if (value.startsWith("@") && !arg.equals("--data-raw")) {
                        throw new IllegalArgumentException(where + "a body read from a file cannot be replayed: " + text);
                    }
                    data.add(value);
                }
                case "-m", "--max-time" -> timeout = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
                default -> {
                    if (!IGNORED_WITH_VALUE.contains(arg)) {
                        throw new IllegalArgumentException(where + "curl option " + arg + " is not replayed by the docs"
                                + " test (DocsCurlTest); use -X, -H, -d, -m, -s, -N, -i: " + text);
                    }
                }
            }
        }
        if (uri == null) {
            throw new IllegalArgumentException(where + "no URL in " + text);
        }
        String body = data.isEmpty() ? null : String.join("&", data);
        if (body != null && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            headers.put("Content-Type", "application/x-www-form-urlencoded");   // what curl sends for -d
        }
        if (method == null) {
            method = body == null ? "GET" : "POST";
        }
        Integer expected = null;
        if (tokens.comment() != null) {
            Matcher m = EXPECTED.matcher(tokens.comment());
            if (m.find()) {
                expected = Integer.valueOf(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        return new CurlCommand(page, line, text, method, uri, headers, body, tokens.background(), expected, timeout);
    }

    private static boolean shortFlags(String arg) {
        if (!arg.matches("-[a-zA-Z]{2,}")) {
            return false;
        }
        return arg.substring(1).chars().allMatch(c -> FLAGS.contains("-" + (char) c));
    }

    /** The words of a shell command line, its trailing comment and whether it ends with {@code &}. */
    record Tokens(List<String> words, String comment, boolean background) {
    }

    /** Splits like a POSIX shell: single quotes literal, double quotes with backslash escapes, comments. */
    static Tokens tokenize(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean background = false;
        String comment = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '#' && word == null) {
                comment = text.substring(i + 1).strip();
                break;
            }
            if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (background) {
                throw new IllegalArgumentException("text after & cannot be replayed: " + text);
            }
            if (c == '&') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                background = true;
                continue;
            }
            if ("|;><$`".indexOf(c) >= 0) {
                throw new IllegalArgumentException("shell syntax '" + c + "' cannot be replayed: " + text);
            }
            word = word == null ? new StringBuilder() : word;
            if (c == '\'') {
                int close = text.indexOf('\'', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed ' in " + text);
                }
                word.append(text, i + 1, close);
                i = close;
            } else if (c == '"') {
                int j = i + 1;
                for (; j < text.length() && text.charAt(j) != '"'; j++) {
                    char d = text.charAt(j);
                    if (d == '\\' && j + 1 < text.length() && "\"\\$`".indexOf(text.charAt(j + 1)) >= 0) {
                        word.append(text.charAt(++j));
                    } else if (d == '$' || d == '`') {
                        throw new IllegalArgumentException("a shell expansion cannot be replayed: " + text);
                    } else {
                        word.append(d);
                    }
                }
                if (j >= text.length()) {
                    throw new IllegalArgumentException("unclosed \" in " + text);
                }
                i = j;
            } else if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return new Tokens(words, comment, background);
    }

    @Override
    public String toString() {
        return page.normalize() + ":" + line + ": " + text;
    }
}
