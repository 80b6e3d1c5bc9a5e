package io.github.realtimepatterns.longpollingbroker;

import java.net.URI;
import java.time.Duration;
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

        /**
         * Starts {@code count} node JVMs with heap {@code heap} (like {@code 512m}) on a new H2 database, each
         * with the extra JVM options {@code extraOptions} (space-separated, {@code {i}} replaced by the node's
         * index, e.g. {@code -XX:StartFlightRecording=filename=/tmp/lp{i}.jfr}; empty for none).
         */
        public static Cluster start(String redisUrl, int count, String heap, String extraOptions) throws Exception {
            H2Tcp h2 = H2Tcp.start();
            String url = h2.newDatabaseUrl();
            List<CompletableFuture<NodeProcess>> starting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                List<String> options = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseG1GC"));
                for (String option : extraOptions.trim().split("\\s+")) {
                    if (!option.isEmpty()) {
                        options.add(option.replace("{i}", Integer.toString(i)));
                    }
                }
                starting.add(CompletableFuture.supplyAsync(() -> NodeProcess.start(redisUrl, url,
                        options.toArray(String[]::new))));
            }
            List<NodeProcess> nodes = new ArrayList<>();
            for (CompletableFuture<NodeProcess> s : starting) {
                nodes.add(s.get(120, TimeUnit.SECONDS));
            }
            return new Cluster(h2, nodes);
        }

        /** CPU time each node JVM has used so far, in nanoseconds (-1 when the OS does not tell). */
        public List<Long> cpuNanos() {
            return nodes.stream().map(n -> n.process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L))
                    .toList();
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
