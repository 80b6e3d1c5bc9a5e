package io.github.realtimepatterns.examples.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The {@code demo} command started from the built jar on a free port, for the demo tests. */
final class DemoServer implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("demo ready at (\\S+)");

    final List<String> output = new ArrayList<>();
    final ChildProcess process;
    final URI uri;

    DemoServer(String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("demo", "--port", "0", "--watch-stdin"));
        args.addAll(List.of(extraArgs));
        process = ExamplesJar.start("demo", output, args.toArray(String[]::new));
        uri = URI.create(process.awaitLine(READY, Duration.ofSeconds(60)).group(1));
    }

    @Override
    public void close() {
        process.close();
    }
}
