package io.github.realtimepatterns.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.realtimepatterns.core.Cursor;
import io.github.realtimepatterns.core.WireJson;
import io.github.realtimepatterns.core.client.HttpPublisher;
import io.github.realtimepatterns.core.client.RealtimeClient;
import io.github.realtimepatterns.core.testing.Eventually;
import io.github.realtimepatterns.core.testing.RecordingListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoIT {

    private static final HttpClient HTTP = HttpPublisher.newHttpClient();
    private static DemoServer demo;

    @BeforeAll
    static void start() {
        demo = new DemoServer("--channel", "demo-it");
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(demo.uri.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void printsItsUrlAndServesThePageWithOnePanePerPattern() throws Exception {
        assertThat(demo.uri.getPort()).isPositive();
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("<script type=\"module\" src=\"/demo.js\">");
        assertThat(get("/demo.js").statusCode()).isEqualTo(200);
        assertThat(get("/demo.css").statusCode()).isEqualTo(200);

        JsonNode config = WireJson.tree(get("/__demo.json").body());
        assertThat(config.path("channel").asText()).isEqualTo("demo-it");
        List<String> names = new ArrayList<>();
        for (JsonNode p : config.path("patterns")) {
            names.add(p.path("name").asText());
            HttpResponse<String> script = get(p.path("script").asText());
            assertThat(script.statusCode()).as(p.path("script").asText()).isEqualTo(200);
            assertThat(script.body()).as("an ES module").contains("export ");
        }
        assertThat(names).containsExactlyElementsOf(Patterns.all().stream().map(PatternAdapter::name).toList());
    }

    @Test
    void aMessagePublishedOnOnePatternReachesTheClientsOfEveryPattern() {
        List<RealtimeClient> clients = new ArrayList<>();
        List<RecordingListener> listeners = new ArrayList<>();
        try {
            for (PatternAdapter p : Patterns.all()) {
                RealtimeClient client = p.client(URI.create(demo.uri + "/" + p.name() + "/"), HTTP,
                        Tuning.DEFAULTS);
                clients.add(client);
                RecordingListener listener = new RecordingListener();
                listeners.add(listener);
                client.subscribe("shared", Cursor.after(0), listener);
            }
            clients.get(clients.size() - 1).publish("shared", "{\"text\":\"once\"}");
            for (int i = 0; i < listeners.size(); i++) {
                RecordingListener listener = listeners.get(i);
                Eventually.await(Duration.ofSeconds(20), () -> listener.messages().size() == 1,
                        Patterns.all().get(i).name() + " delivers the message published on another pattern");
                assertThat(listener.messages().get(0).data()).isEqualTo("{\"text\":\"once\"}");
            }
        } finally {
            clients.forEach(RealtimeClient::close);
        }
    }

    @Test
    void countsEachPatternsRequestsOnTheStatsEndpoint() throws Exception {
        JsonNode stats = WireJson.tree(get("/__stats").body());
        for (PatternAdapter p : Patterns.all()) {
            assertThat(stats.has(p.name())).as(p.name()).isTrue();
        }
    }
}
