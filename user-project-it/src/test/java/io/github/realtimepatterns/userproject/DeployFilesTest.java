package io.github.realtimepatterns.userproject;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No container runtime runs on the build machines, so {@code deploy/} is checked for what it claims: its
 * nginx configuration is the one {@code docs/operations.md} gives and {@code NginxProxyIT} runs (only the
 * upstream's node addresses differ), the compose file has three nodes, nginx, Redis and PostgreSQL, and the
 * Dockerfile runs the server jar the build makes.
 */
class DeployFilesTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern NODE = Pattern.compile("(?m)^(\\s*)server \\S+:8080;\\s*# node\\s*$");

    private static String withoutNodes(String config) {
        return NODE.matcher(config).replaceAll("$1server NODE;").lines().map(String::strip)
                .filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void nginxRunsTheConfigurationTheOperationsPageGivesAndItsTestRuns() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "operations.md"));
        Matcher docs = Pattern.compile("<!-- nginx-config[^>]*-->\\s*```nginx\\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertThat(docs.find()).as("operations.md has its nginx block").isTrue();
        String conf = Files.readString(DEPLOY.resolve("nginx.conf"));
        String http = conf.substring(conf.indexOf("http {") + "http {".length(), conf.lastIndexOf('}'));
        assertThat(withoutNodes(http)).isEqualTo(withoutNodes(docs.group(1)));
        assertThat(NODE.matcher(http).results().map(m -> m.group().strip()).toList())
                .containsExactly("server node1:8080;   # node", "server node2:8080;   # node", "server node3:8080;   # node");
    }

    @Test
    void composeRunsThreeNodesBehindNginxOnOneRedisAndOnePostgreSql() throws IOException {
        String compose = Files.readString(DEPLOY.resolve("docker-compose.yml"));
        for (String service : List.of("node1", "node2", "node3", "nginx", "redis", "postgres")) {
            assertThat(compose).contains("\n  " + service + ":");
        }
        assertThat(compose).contains("JDBC_URL: jdbc:postgresql://postgres:5432/", "REDIS_URL: redis://redis:6379",
                "./nginx.conf:/etc/nginx/nginx.conf:ro", "dockerfile: deploy/Dockerfile");
    }

    @Test
    void theImageRunsTheModulesServerJar() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertThat(dockerfile).contains("${MODULE}/target/${MODULE}-server.jar", "ENTRYPOINT [\"java\"");
        assertThat(dockerfile.split("(?m)^FROM ", -1)).as("a multi-stage build").hasSize(3);
        for (String module : List.of("polling", "long-polling", "long-polling-broker", "sse-db-polling", "websockets-redis")) {
            String pom = Files.readString(Path.of("..", module, "pom.xml"));
            assertThat(pom).as(module + "/pom.xml").contains("<server.mainClass>").contains("maven-shade-plugin");
        }
    }
}
