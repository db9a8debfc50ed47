package net.dtm.rest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import net.dtm.api.http.HttpResponse;

/**
 * One operation of the API: a method and a path template such as {@code /api/v1/pools/{name}/stats}
 * ({@code {x}} matches one non-empty segment), and what answers it.
 *
 * @param method   upper case, e.g. {@code GET}
 * @param template the path with {@code {name}} placeholders, as in the OpenAPI document
 * @param handler  answers a matched call
 */
record Route(String method, String template, Function<Call, HttpResponse> handler) {

    Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(handler, "handler");
    }

    static Route get(String template, Function<Call, HttpResponse> handler) {
        return new Route("GET", template, handler);
    }

    static Route post(String template, Function<Call, HttpResponse> handler) {
        return new Route("POST", template, handler);
    }

    static Route put(String template, Function<Call, HttpResponse> handler) {
        return new Route("PUT", template, handler);
    }

    static Route delete(String template, Function<Call, HttpResponse> handler) {
        return new Route("DELETE", template, handler);
    }

    List<String> segments() {
        return split(template);
    }

    /** The placeholders' values if {@code path} fits the template, by placeholder name. */
    Optional<Map<String, String>> match(String path) {
        List<String> want = segments();
        List<String> have = split(path);
        if (want.size() != have.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.size(); i++) {
            String w = want.get(i);
            if (w.startsWith("{") && w.endsWith("}")) {
                params.put(w.substring(1, w.length() - 1), have.get(i));
            } else if (!w.equals(have.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /** Number of literal segments: a literal beats a placeholder ({@code /devices/bulk} before {@code /devices/{id}}). */
    int literals() {
        return (int) segments().stream().filter(s -> !s.startsWith("{")).count();
    }

    static List<String> split(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }
}
