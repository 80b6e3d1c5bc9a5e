package io.github.realtimepatterns.examples.bench.compare;

import static org.assertj.core.api.Assertions.assertThat;

import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ByteCountingProxyTest {

    @Test
    void forwardsAndCountsEveryByteBothWaysAndEveryConnection() throws Exception {
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> exchange.getResponseSender().send("x".repeat(1000))).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        try (ByteCountingProxy proxy = new ByteCountingProxy(URI.create("http://127.0.0.1:" + port))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(proxy.uri().resolve("/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.body()).hasSize(1000);
            assertThat(proxy.bytesDown()).as("body plus status line and headers").isGreaterThan(1000);
            assertThat(proxy.bytesUp()).as("request line and headers").isBetween(40L, 1000L);
            assertThat(proxy.connections()).isEqualTo(1);
        } finally {
            server.stop();
        }
    }
}
