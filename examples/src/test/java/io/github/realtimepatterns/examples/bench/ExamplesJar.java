package io.github.realtimepatterns.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Runs the built jar, {@code target/realtime-patterns-examples.jar}, as a user would: {@code java -jar ...}
 * in a child process whose output is kept for assertions.
 */
final class ExamplesJar {

    static final Path JAR = Path.of("target", "realtime-patterns-examples.jar");

    private ExamplesJar() {
    }

    /** Starts the jar with {@code args}; every output line is added to {@code output}. */
    static ChildProcess start(String name, List<String> output, String... args) {
        assertThat(JAR).as("the shaded jar is built in the package phase").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-jar", JAR.toString()));
        Collections.addAll(command, args);
        return ChildProcess.start(name, command, Map.of(), line -> {
            synchronized (output) {
                output.add(line);
            }
            System.out.println("[" + name + "] " + line);
        });
    }

    /** Whether the jar exists (the package phase ran). */
    static boolean built() {
        return Files.isRegularFile(JAR);
    }
}
