package io.github.realtimepatterns.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The docs hold together: every relative link between pages (README and {@code docs/}) names a file that
 * exists and, with {@code #anchor}, a heading that exists on it; and every page under {@code docs/} can be
 * reached from {@code docs/index.md} by following links.
 */
class DocsLinksTest {

    /** {@code [text](target)} and {@code [text](target "title")}; images too. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");

    /** A link found on a page: where it is and what it names. */
    private record Link(Path page, int line, String target) {
        @Override
        public String toString() {
            return page.normalize() + ":" + line + " -> " + target;
        }
    }

    @Test
    void everyRelativeLinkNamesAFileAndAHeadingThatExist() {
        List<String> broken = new ArrayList<>();
        List<Link> checked = new ArrayList<>();
        for (Path page : DocsPages.allPages()) {
            for (Link link : links(page)) {
                String problem = problem(link);
                checked.add(link);
                if (problem != null) {
                    broken.add(link + ": " + problem);
                }
            }
        }
        assertThat(checked).as("links found (the check is not vacuous)").hasSizeGreaterThan(20);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void everyDocsPageIsReachableFromTheIndex() {
        Path index = DocsPages.DOCS.resolve("index.md").normalize();
        Set<Path> reached = new LinkedHashSet<>();
        Deque<Path> todo = new ArrayDeque<>(List.of(index));
        while (!todo.isEmpty()) {
            Path page = todo.pop();
            if (!reached.add(page)) {
                continue;
            }
            for (Link link : links(page)) {
                Path target = file(link);
                if (target != null && target.toString().endsWith(".md") && Files.isRegularFile(target)
                        && target.startsWith(DocsPages.DOCS.normalize())) {
                    todo.push(target);
                }
            }
        }
        List<Path> pages = DocsPages.allPages().stream().map(Path::normalize)
                .filter(p -> p.startsWith(DocsPages.DOCS.normalize())).toList();
        assertThat(pages).as("docs pages").hasSizeGreaterThan(5);
        assertThat(reached).as("pages reachable from docs/index.md").containsAll(pages);
        assertThat(links(DocsPages.ROOT.resolve("README.md"))).as("README links docs/index.md")
                .anyMatch(l -> index.equals(file(l)));
    }

    @Test
    void anchorsAreComputedAsGitHubDoes() {
        assertThat(anchors(List.of("# Operations: many nodes behind a proxy", "## Behind nginx", "## Behind nginx",
                "### `compare` and the `--quick` run", "## Re-run on a quiet machine")))
                .contains("operations-many-nodes-behind-a-proxy", "behind-nginx", "behind-nginx-1",
                        "compare-and-the---quick-run", "re-run-on-a-quiet-machine");
    }

    private static List<Link> links(Path page) {
        List<Link> links = new ArrayList<>();
        List<String> prose = DocsPages.prose(page);
        for (int i = 0; i < prose.size(); i++) {
            String line = INLINE_CODE.matcher(prose.get(i)).replaceAll("``");
            Matcher m = LINK.matcher(line);
            while (m.find()) {
                String target = m.group(1);
                if (!target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {   // http:, https:, mailto: ... are not checked
                    links.add(new Link(page, i + 1, target));
                }
            }
        }
        return links;
    }

    /** The file a link names (the page itself for {@code #anchor}), or null when it names none. */
    private static Path file(Link link) {
        String path = link.target().contains("#") ? link.target().substring(0, link.target().indexOf('#')) : link.target();
        if (path.isEmpty()) {
            return link.page().normalize();
        }
        return link.page().getParent().resolve(path).normalize();
    }

    private static String problem(Link link) {
        Path target = file(link);
        if (!Files.exists(target)) {
            return "no such file " + target;
        }
        int hash = link.target().indexOf('#');
        if (hash < 0) {
            return null;
        }
        String anchor = link.target().substring(hash + 1);
        if (!target.toString().endsWith(".md")) {
            return "an anchor on a file that is not markdown";
        }
        Set<String> anchors = anchors(DocsPages.prose(target));
        return anchors.contains(anchor) ? null : "no heading with anchor #" + anchor + " in " + target
                + " (it has " + anchors + ")";
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
    static Set<String> anchors(List<String> lines) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : lines) {
            Matcher m = HEADING.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String slug = m.group(2).toLowerCase(Locale.ROOT)
                    .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")   // a link in a heading keeps its text
                    .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
                    .replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }
}
