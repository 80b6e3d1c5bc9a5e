package io.github.realtimepatterns.ssedbpolling;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An event stream read by a test, byte for byte: the raw text and the parsed events. */
final class RawStream implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One dispatched event. */
    record Event(String type, String data, String id) {
    }

    final HttpResponse<InputStream> response;
    private final StringBuilder raw = new StringBuilder();
    private final List<Event> events = new ArrayList<>();
    private final Thread reader;

    private RawStream(HttpResponse<InputStream> response) {
        this.response = response;
        EventStreamParser parser = new EventStreamParser(new EventStreamParser.Handler() {
            @Override
            public void onEvent(String type, String data, String lastEventId) {
                synchronized (RawStream.this) {
                    events.add(new Event(type, data, lastEventId));
                }
            }

            @Override
            public void onRetry(long millis) {
            }
        }, 1 << 22);
        this.reader = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = response.body()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (this) {
                        raw.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                    parser.feed(ByteBuffer.wrap(buf, 0, n));
                }
            } catch (IOException e) {
                // the stream ended; the test looks at what arrived
            }
        }, "raw-stream");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens {@code uri} with extra header pairs. */
    static RawStream open(URI uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return new RawStream(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    synchronized String raw() {
        return raw.toString();
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<Event> events(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    @Override
    public void close() throws IOException {
        response.body().close();
    }
}
