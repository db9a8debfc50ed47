/**
 * The node's HTTP API as a whiteboard: a bundle registers an {@link net.dtm.api.http.HttpEndpoint}
 * service with a path prefix and the HTTP bundle serves it behind API-key authentication (or in the
 * open, for health, metrics and static pages), turning {@link net.dtm.api.http.HttpProblem}s into
 * {@code application/problem+json}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package net.dtm.api.http;
