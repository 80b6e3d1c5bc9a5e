package io.github.realtimepatterns.core.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.realtimepatterns.core.http.HttpSettings;
import io.github.realtimepatterns.core.http.RealtimeHandler;
import io.github.realtimepatterns.core.http.RealtimeRoutes;
import io.github.realtimepatterns.core.http.RequestEntry;
import io.github.realtimepatterns.core.service.RealtimeService;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandaloneTest {

    /** The smallest pattern: the shared routes only. */
    private static final Standalone.HandlerFactory ROUTES_ONLY = (resources, env) -> {
        RealtimeService service = RealtimeService.builder(resources.store()).broker(resources.broker()).build();
        HttpHandler routes = RealtimeRoutes.builder(service, RequestEntry.of(env.httpSettings())).build();
        return new RealtimeHandler() {
            @Override
            public RealtimeService service() {
                return service;
            }

            @Override
            public String pattern() {
                return "routes";
            }

            @Override
            public void close() {
                service.close();
            }

            @Override
            public void handleRequest(HttpServerExchange exchange) throws Exception {
                routes.handleRequest(exchange);
            }
        };
    };

    @Test
    void startsOnEmbeddedDefaultsAndServes() throws Exception {
        try (Standalone running = Standalone.start("routes", Env.of(Map.of("PORT", "0", "HOST", "127.0.0.1")),
                ROUTES_ONLY)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(running.uri() + "/channels/c/messages"))
                    .POST(HttpRequest.BodyPublishers.ofString("1")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(201);
        }
    }

    @Test
    void refusesToStartWhenRedisCannotBeReached() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Env env = Env.of(Map.of("PORT", "0", "REDIS_URL", "redis://127.0.0.1:" + closedPort));
        assertThatThrownBy(() -> Standalone.start("routes", env, ROUTES_ONLY))
                .hasMessageContaining("REDIS_URL").hasMessageContaining(String.valueOf(closedPort));
    }

    @Test
    void refusesToStartWhenTheDatabaseCannotBeReached() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Env env = Env.of(Map.of("PORT", "0", "JDBC_URL", "jdbc:h2:tcp://127.0.0.1:" + closedPort + "/mem:x"));
        assertThatThrownBy(() -> Standalone.start("routes", env, ROUTES_ONLY)).hasMessageContaining("JDBC_URL");
    }

    @Test
    void refusesABadSettingNamingTheVariable() {
        assertThatThrownBy(() -> Standalone.start("routes", Env.of(Map.of("PORT", "x")), ROUTES_ONLY))
                .hasMessageContaining("PORT");
    }

    @Test
    void theSharedHttpSettingsReachTheHandler() throws Exception {
        Env env = Env.of(Map.of("PORT", "0", "HOST", "127.0.0.1", "ALLOWED_ORIGINS", "https://app.example",
                "MAX_BODY_BYTES", "16"));
        try (Standalone running = Standalone.start("routes", env, ROUTES_ONLY)) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI publish = URI.create(running.uri() + "/channels/c/messages");
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(publish)
                    .header("Origin", "https://app.example").header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
            HttpResponse<String> big = http.send(HttpRequest.newBuilder(publish)
                    .POST(HttpRequest.BodyPublishers.ofString("\"" + "x".repeat(20) + "\"")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(413);
        }
    }

    @Test
    void refusesABadHttpSettingNamingTheVariable() {
        assertThatThrownBy(() -> Standalone.start("routes", Env.of(Map.of("PORT", "0", "ALLOWED_ORIGINS", "nope")),
                ROUTES_ONLY)).hasMessageContaining("ALLOWED_ORIGINS");
    }
}
