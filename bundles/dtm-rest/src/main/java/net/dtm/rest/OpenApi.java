package net.dtm.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import net.dtm.api.http.HttpResponse;

/** {@code /api/v1/openapi.json}: the API's OpenAPI 3.0 document (a resource of this bundle), served without a key. */
final class OpenApi {

    static final String PATH = "/api/v1/openapi.json";
    static final String RESOURCE = "openapi.json";

    private final byte[] document;

    OpenApi() {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundle lacks its " + RESOURCE);
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    byte[] document() {
        return document.clone();
    }

    List<Route> routes() {
        return List.of(Route.get(PATH, c -> new HttpResponse(200, "application/json", document,
                Map.of("Cache-Control", "max-age=300"))));
    }
}
