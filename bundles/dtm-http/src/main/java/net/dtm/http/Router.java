package net.dtm.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import net.dtm.api.http.HttpEndpoint;

/**
 * The registered endpoints by path prefix: a path goes to the longest prefix that is the path
 * itself or a whole-segment ancestor of it ({@code /api/v1/pools} serves {@code /api/v1/pools/x},
 * not {@code /api/v1/poolsx}; {@code /} serves everything). Between equal prefixes the higher
 * service ranking, then the older service, wins. Safe for concurrent use.
 */
final class Router {

    /** One endpoint and how it is served. */
    record Route(String prefix, boolean publicAccess, HttpEndpoint endpoint, int ranking, long serviceId) {
    }

    private static final Comparator<Route> ORDER = Comparator
            .comparingInt((Route r) -> r.prefix().length()).reversed()
            .thenComparing(Comparator.comparingInt(Route::ranking).reversed())
            .thenComparingLong(Route::serviceId);

    private volatile List<Route> routes = List.of();

    /** Checks a prefix: starts with '/', no trailing '/' (but "/" itself), no '.' or '..' segment. */
    static String checkPrefix(String prefix) {
        if (prefix == null || !prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/"))
                || prefix.contains("//") || !PathCheck.normal(prefix)) {
            throw new IllegalArgumentException("path prefix must start with '/' and name whole segments "
                    + "(e.g. /api/v1/pools): '" + prefix + "'");
        }
        return prefix;
    }

    synchronized void add(Route route) {
        checkPrefix(route.prefix());
        List<Route> next = new ArrayList<>(routes);
        next.add(route);
        next.sort(ORDER);
        routes = List.copyOf(next);
    }

    /** Removes the route of this service; false if it had none. */
    synchronized boolean remove(long serviceId) {
        List<Route> next = new ArrayList<>(routes);
        boolean removed = next.removeIf(r -> r.serviceId() == serviceId);
        routes = List.copyOf(next);
        return removed;
    }

    /** The route serving {@code path}, if any. */
    Optional<Route> route(String path) {
        for (Route r : routes) {
            if (covers(r.prefix(), path)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The routes now, longest prefix first. */
    List<Route> routes() {
        return routes;
    }

    static boolean covers(String prefix, String path) {
        return "/".equals(prefix) || path.equals(prefix)
                || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
    }
}
