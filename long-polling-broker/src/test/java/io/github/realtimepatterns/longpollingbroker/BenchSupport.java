package io.github.realtimepatterns.longpollingbroker;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the benchmark (in the bench package) borrows from the test fixtures of this package. */
public final class BenchSupport {

    private BenchSupport() {
    }

    /** Node JVMs over one H2 server (in this JVM) and one Redis; closing stops them all. */
    public static final class Cluster implements AutoCloseable {
        private final H2Tcp h2;
        private final List<NodeProcess> nodes;

        private Cluster(H2Tcp h2, List<NodeProcess> nodes) {
            this.h2 = h2;
            this.nodes = nodes;
        }

        /** Starts {@code count} node JVMs with heap {@code heap} (like {@code 512m}) on a new H2 database. */
        public static Cluster start(String redisUrl, int count, String heap) throws Exception {
            H2Tcp h2 = H2Tcp.start();
            String url = h2.newDatabaseUrl();
            List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                starting.add(CompletableFuture.supplyAsync(() -> NodeProcess.start(redisUrl, url, "-Xmx" + heap,
                        "-XX:+UseG1GC")));
            }
            List<NodeProcess> nodes = new ArrayList<>();
            for (CompletableFuture<NodeProcess> s : starting) {
                nodes.add(s.get(120, TimeUnit.SECONDS));
            }
            return new Cluster(h2, nodes);
        }

        /** The nodes' base URIs. */
        public List<URI> uris() {
            return nodes.stream().map(n -> n.uri).toList();
        }

        @Override
        public void close() throws Exception {
            for (NodeProcess node : nodes) {
                node.close();
            }
            h2.close();
        }
    }
}
