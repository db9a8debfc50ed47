package net.dtm.rest;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;

/**
 * A request matched to a {@link Route}: the request, the path's placeholder values, and readers of
 * query parameters that answer 400 problems for bad values.
 */
record Call(HttpRequest request, Map<String, String> path) {

    Call {
        path = Map.copyOf(path);
    }

    /** A path placeholder's value. */
    String path(String name) {
        String v = path.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no placeholder " + name);
        }
        return v;
    }

    /** A query parameter, empty when absent or blank. */
    Optional<String> query(String name) {
        return request.param(name).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** A boolean query parameter ({@code true} or {@code false}), empty when absent. */
    Optional<Boolean> flag(String name) {
        Optional<String> v = query(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw HttpProblem.badRequest("'" + name + "' must be true or false, got '" + v.get() + "'");
        };
    }

    /**
     * The page size in {@code limit}: {@code fallback} when absent; values above {@code max} are capped
     * to it.
     *
     * @throws HttpProblem 400 if it is not a whole number of at least 1
     */
    int limit(int fallback, int max) {
        Optional<String> v = query("limit");
        if (v.isEmpty()) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.get());
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("'limit' must be a whole number from 1 to " + max + ", got '" + v.get() + "'");
        }
        if (n < 1) {
            throw HttpProblem.badRequest("'limit' must be at least 1, got " + n);
        }
        return (int) Math.min(n, max);
    }

    /** A device id. @throws HttpProblem 400 with the id rule if it is malformed */
    static DeviceId device(String value) {
        try {
            return DeviceId.of(value);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
    }

    /** An IP literal (never a DNS name). @throws HttpProblem 400 if it is none */
    static InetAddress address(String text) {
        try {
            return Cidr.parseLiteral(text);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
    }
}
