package net.dtm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.ApiKey;
import net.dtm.api.http.HttpEndpoint;

/** The component's wiring: endpoints bound before and after activation, a taken port, bad configuration. */
class HttpComponentTest {

    @TempDir
    Path dir;

    private HttpComponent.Config config(int port) {
        String keys = dir.resolve("keys").toString();
        return new HttpComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return HttpComponent.Config.class; }
            @Override public String bind_host() { return "127.0.0.1"; }
            @Override public int port() { return port; }
            @Override public boolean tls_enabled() { return false; }
            @Override public String tls_keystore_file() { return ""; }
            @Override public String tls_keystore_password_file() { return ""; }
            @Override public String keys_file() { return keys; }
            @Override public long max_body_bytes() { return 1024; }
            @Override public int threads() { return 2; }
        };
    }

    private static int get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void servesEndpointsAsTheyComeAndGo() throws Exception {
        HttpComponent component = new HttpComponent();
        HttpEndpoint early = request -> net.dtm.api.http.HttpResponse.text(200, "text/plain", "early");
        component.bindEndpoint(early, Map.of(HttpEndpoint.PATH, "/early", HttpEndpoint.ACCESS, "public", "service.id", 7L));
        component.activate(config(0));
        try {
            int port = component.port();
            assertTrue(port > 0);
            assertEquals(200, get(port, "/health/live"));
            assertEquals(200, get(port, "/early/x"));

            HttpEndpoint late = request -> net.dtm.api.http.HttpResponse.text(200, "text/plain", "late");
            component.bindEndpoint(late, Map.of(HttpEndpoint.PATH, "/late", "service.id", 8L));
            assertEquals(401, get(port, "/late"), "key access by default");
            component.bindEndpoint(late, Map.of(HttpEndpoint.PATH, "no-slash", "service.id", 9L));
            component.unbindEndpoint(early, Map.of("service.id", 7L));
            assertEquals(404, get(port, "/early/x"));
        } finally {
            component.deactivate();
        }
        assertEquals(-1, component.port());
    }

    @Test
    void anEndpointsAccessPropertyAloneDecidesWhetherAKeyIsNeeded() throws Exception {
        HttpComponent component = new HttpComponent();
        HttpEndpoint ok = request -> net.dtm.api.http.HttpResponse.text(200, "text/plain", "ok");
        component.bindEndpoint(ok, Map.of(HttpEndpoint.PATH, "/metrics", HttpEndpoint.ACCESS, "public", "service.id", 7L));
        component.bindEndpoint(ok, Map.of(HttpEndpoint.PATH, "/closed", HttpEndpoint.ACCESS, "key", "service.id", 8L));
        component.activate(config(0));
        try {
            int port = component.port();
            String viewer = component.create(ApiKey.Role.VIEWER, "viewer", Optional.empty()).secret();
            assertEquals(200, get(port, "/metrics"), "no path is special: public is public");
            assertEquals(401, get(port, "/closed"));
            assertEquals(200, get(port, "/closed", "Authorization", "Bearer " + viewer));
        } finally {
            component.deactivate();
        }
    }

    @Test
    void aTakenPortLeavesTheKeysWorking() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HttpComponent component = new HttpComponent();
            component.activate(config(taken.getLocalPort()));
            try {
                assertEquals(-1, component.port());
                var created = component.create(ApiKey.Role.VIEWER, "ops", Optional.empty());
                assertEquals(Optional.of(created.key()), component.authenticate(created.secret()));
                assertEquals(1, component.keys().size());
            } finally {
                component.deactivate();
            }
        }
    }

    @Test
    void badConfigurationIsRefused() {
        HttpComponent component = new HttpComponent();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> component.activate(config(70000)));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
        assertEquals(-1, component.port());
    }
}
