package io.github.realtimepatterns.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code cluster} with two nodes over Redis and an H2 server: they share messages, and nothing outlives the harness. */
class ClusterIT {

    private static final Pattern NODE = Pattern.compile("\\[node-\\d] serve: \\S+ ready at (\\S+) .*pid (\\d+)\\)");

    private PatternAdapter pattern;

    @BeforeEach
    void pickPattern() {
        Assumptions.assumeFalse(Patterns.all().isEmpty(), "no pattern module in this build yet");
        Assumptions.assumeTrue(System.getenv("REDIS_URL") != null || Backends.onPath("redis-server") != null,
                "cluster needs Redis: REDIS_URL or redis-server on the PATH");
        pattern = Patterns.all().stream().filter(p -> p.name().equals("long-polling-broker")).findFirst()
                .orElse(Patterns.all().get(0));
    }

    private record Started(ChildProcess harness, List<URI> nodes, List<Long> pids) {
    }

    private Started start(List<String> output) {
        ChildProcess harness = ExamplesJar.start("cluster", output, "cluster", "--nodes", "2", "--pattern",
                pattern.name(), "--watch-stdin");
        harness.awaitLine(Pattern.compile("cluster ready: 2 nodes"), Duration.ofSeconds(90));
        List<URI> nodes = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        synchronized (output) {
            for (String line : output) {
                Matcher m = NODE.matcher(line);
                if (m.find()) {
                    nodes.add(URI.create(m.group(1)));
                    pids.add(Long.parseLong(m.group(2)));
                }
            }
        }
        assertThat(nodes).hasSize(2);
        return new Started(harness, nodes, pids);
    }

    @Test
    void twoNodesShareMessagesAndStopWithTheHarness() {
        List<String> output = new ArrayList<>();
        Started cluster = start(output);
        try (RealtimeClient onNode2 = pattern.client(cluster.nodes().get(1), HttpPublisher.newHttpClient(),
                Tuning.DEFAULTS);
             RealtimeClient onNode1 = pattern.client(cluster.nodes().get(0), HttpPublisher.newHttpClient(),
                     Tuning.DEFAULTS)) {
            RecordingListener listener = new RecordingListener();
            onNode2.subscribe("cluster-it", Cursor.after(0), listener);
            onNode1.publish("cluster-it", "{\"from\":\"node-1\"}");
            listener.awaitCount(1, Duration.ofSeconds(30));
            assertThat(listener.messages().get(0).data()).isEqualTo("{\"from\":\"node-1\"}");
        } finally {
            cluster.harness().close();
        }
        assertGone(cluster.pids());
    }

    @Test
    void nodesExitByThemselvesWhenTheHarnessIsKilled() {
        List<String> output = new ArrayList<>();
        Started cluster = start(output);
        ProcessHandle harness = ProcessHandle.of(cluster.harness().pid()).orElseThrow();
        List<ProcessHandle> everything = new ArrayList<>(harness.descendants().toList());
        harness.destroyForcibly();
        assertGone(cluster.pids());
        Eventually.await(Duration.ofSeconds(30), () -> everything.stream().noneMatch(ProcessHandle::isAlive),
                () -> "every process the harness started exits: " + everything.stream().filter(ProcessHandle::isAlive)
                        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
    }

    private static void assertGone(List<Long> pids) {
        Eventually.await(Duration.ofSeconds(30), () -> pids.stream().map(ProcessHandle::of)
                .noneMatch(h -> h.isPresent() && h.get().isAlive()), "every node process exited: " + pids);
    }
}
