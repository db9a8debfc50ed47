package net.dtm.rest;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import net.dtm.api.DtmException;
import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

/**
 * One resource group served under a path prefix: finds the {@link Route} for a request's method and
 * path (404 when no template fits, 405 naming the allowed methods when only the method is wrong; HEAD
 * is served as GET), and turns the services' refusals into problems.
 */
final class RestEndpoint implements HttpEndpoint {

    private final String prefix;
    private final boolean open;
    private final List<Route> routes;

    /**
     * @param prefix the {@link HttpEndpoint#PATH} it is registered with
     * @param open   served without an API key ({@link HttpEndpoint#ACCESS_PUBLIC})
     * @param routes its operations, every template under {@code prefix}
     */
    RestEndpoint(String prefix, boolean open, List<Route> routes) {
        for (Route r : routes) {
            if (!r.template().equals(prefix) && !r.template().startsWith(prefix + "/")) {
                throw new IllegalArgumentException(r.template() + " is not under " + prefix);
            }
        }
        this.prefix = prefix;
        this.open = open;
        this.routes = List.copyOf(routes);
    }

    String prefix() {
        return prefix;
    }

    boolean open() {
        return open;
    }

    List<Route> routes() {
        return routes;
    }

    /** The route serving {@code method} on {@code path}, if any (literal segments win over placeholders). */
    Optional<Route> route(String method, String path) {
        String m = "HEAD".equals(method) ? "GET" : method;
        return routes.stream().filter(r -> r.method().equals(m) && r.match(path).isPresent())
                .max(Comparator.comparingInt(Route::literals));
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        Optional<Route> route = route(request.method(), request.path());
        if (route.isEmpty()) {
            TreeSet<String> allowed = new TreeSet<>();
            routes.stream().filter(r -> r.match(request.path()).isPresent()).forEach(r -> allowed.add(r.method()));
            if (allowed.isEmpty()) {
                throw HttpProblem.notFound("no such resource: " + request.path());
            }
            throw new HttpProblem(405, "Method not allowed", request.method() + " is not allowed on " + request.path()
                    + "; allowed: " + String.join(", ", allowed));
        }
        Map<String, String> params = route.get().match(request.path()).orElseThrow();
        try {
            return route.get().handler().apply(new Call(request, params));
        } catch (DtmException e) {
            throw Problems.refused(e);
        }
    }
}
