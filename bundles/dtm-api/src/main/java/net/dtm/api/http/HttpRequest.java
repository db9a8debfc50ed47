package net.dtm.api.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.ApiKey;

/**
 * One HTTP request as an endpoint sees it.
 *
 * @param method  upper case, e.g. {@code GET}
 * @param path    the full decoded path, e.g. {@code /api/v1/pools/edge-1}
 * @param query   decoded query parameters (a name may repeat)
 * @param headers header values by lower-case name
 * @param body    the body (empty for none), already bounded in size by the server
 * @param caller  the API key that authenticated the request; empty on a public endpoint
 * @param remote  the client's address, for logs
 */
public record HttpRequest(String method, String path, Map<String, List<String>> query,
                          Map<String, List<String>> headers, byte[] body, Optional<ApiKey> caller, String remote) {

    public HttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = copy(query, false);
        headers = copy(headers, true);
        body = body == null ? new byte[0] : body;
        caller = caller == null ? Optional.empty() : caller;
        remote = remote == null ? "" : remote;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> in, boolean lowerCase) {
        TreeMap<String, List<String>> out = new TreeMap<>();
        if (in != null) {
            in.forEach((k, v) -> out.put(lowerCase ? k.toLowerCase(Locale.ROOT) : k, List.copyOf(v)));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The first value of a query parameter. */
    public Optional<String> param(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The first value of a header (name in any case). */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The path below {@code prefix}, split on '/', empty segments dropped. */
    public List<String> segmentsAfter(String prefix) {
        if (!path.startsWith(prefix)) {
            return List.of();
        }
        return java.util.Arrays.stream(path.substring(prefix.length()).split("/")).filter(s -> !s.isEmpty()).toList();
    }
}
