package net.dtm.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.dtm.api.HealthService;
import net.dtm.api.http.HttpEndpoint;

/** A real server on a free port of 127.0.0.1 with the routes a test gives it, and a client. */
final class ServedNode implements AutoCloseable {

    final Router router = new Router();
    final List<HealthService> health = new CopyOnWriteArrayList<>();
    final List<String> audit = new CopyOnWriteArrayList<>();
    final ApiKeys keys;
    final HttpServerHost host;
    final HttpClient client;
    private final String scheme;

    ServedNode(Path dir, long maxBody) throws IOException {
        this(dir, HttpSettings.of("127.0.0.1", 0, false, "", "", dir.resolve("keys").toString(), maxBody, 4,
                dir.toString()), HttpClient.newHttpClient());
    }

    ServedNode(Path dir, HttpSettings settings, HttpClient client) throws IOException {
        this.keys = new ApiKeys(settings.keysFile(), Clock.systemUTC(), new SecureRandom());
        router.add(new Router.Route(HealthEndpoint.PREFIX, true, new HealthEndpoint(() -> health), Integer.MIN_VALUE, -1));
        this.host = HttpServerHost.start(settings,
                new Dispatcher(router, new Authenticator(keys), settings.maxBodyBytes(), audit::add));
        this.client = client;
        this.scheme = settings.tls() ? "https" : "http";
    }

    void serve(String prefix, boolean open, HttpEndpoint endpoint) {
        router.add(new Router.Route(prefix, open, endpoint, 0, router.routes().size()));
    }

    URI uri(String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + host.port() + pathAndQuery);
    }

    HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send("GET", path, null, headers);
    }

    HttpResponse<String> send(String method, String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A body sent chunked (no Content-Length). */
    HttpResponse<String> sendChunked(String method, String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return new ObjectMapper().readTree(response.body());
    }

    static Map<String, List<String>> headers(HttpResponse<?> response) {
        return response.headers().map();
    }

    static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name);
    }

    @Override
    public void close() {
        host.close();
    }
}
