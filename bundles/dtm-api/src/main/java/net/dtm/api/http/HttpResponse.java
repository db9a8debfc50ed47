package net.dtm.api.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What an endpoint answers.
 *
 * @param status      HTTP status
 * @param contentType e.g. {@code application/json}
 * @param body        the body
 * @param headers     extra headers (e.g. {@code Location}, {@code Cache-Control})
 */
public record HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    public HttpResponse {
        Objects.requireNonNull(contentType, "contentType");
        body = body == null ? new byte[0] : body;
        headers = Map.copyOf(headers == null ? Map.of() : headers);
    }

    /** A JSON document. */
    public static HttpResponse json(int status, String json) {
        return new HttpResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Plain text (UTF-8). */
    public static HttpResponse text(int status, String contentType, String text) {
        return new HttpResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** 204 No content. */
    public static HttpResponse noContent() {
        return new HttpResponse(204, "text/plain", new byte[0], Map.of());
    }
}
