package net.dtm.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import net.dtm.api.ApiKey;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

/**
 * Serves one exchange: route by path ({@link Router}; 404 problem when nothing serves it), check the
 * caller ({@link Authenticator}), read the body up to the limit (413), call the endpoint and write
 * its answer; {@link HttpProblem}s become {@code application/problem+json}, other failures a 500
 * whose cause is only logged. Every request other than GET/HEAD is written to logger
 * {@value #AUDIT} with the key id, method, path and status (never a key or a body).
 */
final class Dispatcher implements HttpHandler {

    static final String AUDIT = "net.dtm.audit";
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final Logger AUDIT_LOG = LoggerFactory.getLogger(AUDIT);

    private final Router router;
    private final Authenticator authenticator;
    private final long maxBodyBytes;
    private final Consumer<String> audit;

    /** Audits to logger {@value #AUDIT}. */
    Dispatcher(Router router, Authenticator authenticator, long maxBodyBytes) {
        this(router, authenticator, maxBodyBytes, AUDIT_LOG::info);
    }

    /**
     * @param audit takes one line per request that may change something
     */
    Dispatcher(Router router, Authenticator authenticator, long maxBodyBytes, Consumer<String> audit) {
        this.router = router;
        this.authenticator = authenticator;
        this.maxBodyBytes = maxBodyBytes;
        this.audit = audit;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Optional<ApiKey> caller = Optional.empty();
        HttpResponse response;
        try {
            if (path == null || !path.startsWith("/") || !PathCheck.normal(path)) {
                throw HttpProblem.badRequest("the path must be absolute without '.' or '..' segments");
            }
            String p = path;
            Router.Route route = router.route(path).orElseThrow(() -> HttpProblem.notFound("nothing is served at " + p));
            caller = authenticator.identify(route.publicAccess(),
                    name -> Optional.ofNullable(exchange.getRequestHeaders().getFirst(name)));
            Authenticator.permit(caller, method);
            byte[] body = readBody(exchange);
            HttpRequest request = new HttpRequest(method, path, query(exchange.getRequestURI().getRawQuery()),
                    withoutCredentials(exchange.getRequestHeaders()), body, caller, remote(exchange));
            response = route.endpoint().handle(request);
            if (response == null) {
                throw new IllegalStateException("the endpoint at " + route.prefix() + " answered nothing");
            }
        } catch (HttpProblem problem) {
            response = problem.status() == 401
                    ? ProblemJson.response(problem, Map.of("WWW-Authenticate", "Bearer realm=\"dtm\""))
                    : ProblemJson.response(problem);
        } catch (RuntimeException e) {
            String ref = UUID.randomUUID().toString().substring(0, 8);
            LOG.warn("{} {} failed (ref {})", method, path, ref, e);
            response = ProblemJson.response(new HttpProblem(500, "Internal error",
                    "the request failed; the node's log says why (ref " + ref + ")"));
        }
        try {
            send(exchange, method, response);
        } catch (IOException e) {
            LOG.debug("{} {}: the answer could not be sent: {}", method, path, e.toString());
        } finally {
            exchange.close();
            if (!Authenticator.readOnly(method)) {
                audit.accept("http " + method + " " + path + " -> " + response.status() + " key="
                        + caller.map(ApiKey::id).orElse("-") + " remote=" + remote(exchange));
            }
        }
    }

    private byte[] readBody(HttpExchange exchange) throws HttpProblem {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > maxBodyBytes) {
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw HttpProblem.badRequest("Content-Length is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw HttpProblem.badRequest("the body could not be read: " + e.getMessage());
        }
    }

    private HttpProblem tooLarge() {
        return new HttpProblem(413, "Content too large", "the body is larger than " + maxBodyBytes
                + " bytes (max.body.bytes of net.dtm.http)");
    }

    /** The request headers but the key (endpoints get the caller instead, and cannot log the key). */
    private static Map<String, List<String>> withoutCredentials(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>(headers);
        out.keySet().removeIf(name -> name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("X-API-Key"));
        return out;
    }

    /** Decoded query parameters; a malformed escape is a 400 problem. */
    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("malformed query parameter: " + e.getMessage());
            }
        }
        return out;
    }

    private static String remote(HttpExchange exchange) {
        InetSocketAddress a = exchange.getRemoteAddress();
        return a == null ? "" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static void send(HttpExchange exchange, String method, HttpResponse response) throws IOException {
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        byte[] body = response.body();
        boolean noBody = "HEAD".equals(method) || response.status() == 204 || response.status() == 304
                || body.length == 0;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
