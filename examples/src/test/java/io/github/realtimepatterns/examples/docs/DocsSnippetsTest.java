package io.github.realtimepatterns.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.store.MessageStore;
import io.github.realtimepatterns.core.testing.DocSnippets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The java blocks of the pages that are not a module's own ({@code operations.md}, {@code extending.md})
 * are regions of compiled, executed test code: {@link OperationsExamples} and {@link CountingStoreTest}.
 */
class DocsSnippetsTest {

    private static final Path SOURCES = Path.of("src/test/java/io/github/realtimepatterns/examples/docs");

    @Test
    void operationsPageShowsTheRetentionCodeThatRunsHere() {
        String jdbcUrl = "jdbc:h2:mem:ops-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (MessageStore store = OperationsExamples.retentionStore(jdbcUrl)) {
            store.append("chat", "{\"text\":\"hi\"}");
            assertThat(store.read("chat", Cursor.after(0), 10).messages()).hasSize(1);
        }
        DocSnippets.assertDocMatches(DocsPages.DOCS.resolve("operations.md"), SOURCES.resolve("OperationsExamples.java"));
    }

    @Test
    void extendingPageShowsTheStoreAndTheKitSubclassThatRunHere() {
        DocSnippets.assertDocMatches(DocsPages.DOCS.resolve("extending.md"), SOURCES.resolve("CountingStoreTest.java"));
    }
}
