package net.dtm.api.http;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves every request whose path is {@link #PATH} or below it (the longest matching prefix wins).
 * Service properties: {@link #PATH} (required) and {@link #ACCESS}.
 */
@ConsumerType
public interface HttpEndpoint {

    /** Service property: the path prefix served, e.g. {@code /api/v1/pools}. */
    String PATH = "dtm.http.path";

    /**
     * Service property: {@code key} (the default) — an active API key is required: {@code GET} and
     * {@code HEAD} need the viewer role, every other method the admin role; {@code public} — no key
     * (health, metrics, the dashboard's static files: nothing that reveals or changes devices).
     */
    String ACCESS = "dtm.http.access";

    /** {@link #ACCESS} value: an API key is required. */
    String ACCESS_KEY = "key";

    /** {@link #ACCESS} value: no key is required. */
    String ACCESS_PUBLIC = "public";

    /**
     * Answers one request. Throw {@link HttpProblem} for a client error (it becomes
     * {@code application/problem+json} with its status); any other exception is a 500 whose detail
     * is not shown to the client (it is logged).
     */
    HttpResponse handle(HttpRequest request);
}
