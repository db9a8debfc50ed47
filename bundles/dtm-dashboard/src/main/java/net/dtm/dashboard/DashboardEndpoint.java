package net.dtm.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.http.HttpEndpoint;
import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

/**
 * Serves the dashboard's static files under {@value #BASE}/ and sends {@code /} there. Only GET and
 * HEAD; files answer with their ETag (a matching {@code If-None-Match} gets 304), long caching for
 * versioned assets, revalidation for pages, and headers that keep the page from being framed,
 * sniffed or fed foreign scripts. The files hold no data: the page's script reads the REST API
 * with the API key the operator pastes.
 */
public final class DashboardEndpoint implements HttpEndpoint {

    /** Where the dashboard lives. */
    public static final String BASE = "/dashboard";

    /** The page a request for {@code BASE + "/"} gets. */
    static final String INDEX = "index.html";

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final StaticFiles files;

    public DashboardEndpoint(StaticFiles files) {
        this.files = files;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            throw HttpProblem.methodNotAllowed(request.method());
        }
        String path = request.path();
        if (path.isEmpty() || path.equals("/") || path.equals(BASE)) {
            return redirect(BASE + "/");
        }
        if (!path.startsWith(BASE + "/")) {
            throw HttpProblem.notFound("nothing at " + shown(path) + "; the dashboard is at " + BASE + "/");
        }
        String name = path.substring(BASE.length() + 1);
        StaticFiles.File file = files.file(name.isEmpty() ? INDEX : name)
                .orElseThrow(() -> HttpProblem.notFound("the dashboard has no file " + shown(name)));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ETag", file.etag());
        headers.put("Cache-Control", cacheControl(file, request.param("v")));
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        if (!file.immutable()) {
            headers.put("Content-Security-Policy", CSP);
            headers.put("X-Frame-Options", "DENY");
        }
        if (request.header("If-None-Match").filter(tags -> matches(tags, file.etag())).isPresent()) {
            return new HttpResponse(304, file.contentType(), new byte[0], headers);
        }
        return new HttpResponse(200, file.contentType(), file.body(), headers);
    }

    /**
     * A year for an asset asked for by its current version ({@code ?v=} as the page writes it);
     * otherwise the browser must revalidate, so a new version shows at the next load.
     */
    private static String cacheControl(StaticFiles.File file, Optional<String> version) {
        boolean current = version.filter(v -> file.etag().startsWith('"' + v)).isPresent();
        return file.immutable() && current ? "public, max-age=31536000, immutable" : "no-cache";
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse redirect(String location) {
        return new HttpResponse(302, "text/plain; charset=utf-8", ("see " + location).getBytes(
                java.nio.charset.StandardCharsets.UTF_8), Map.of("Location", location, "Cache-Control", "no-cache"));
    }

    private static String shown(String path) {
        return path.length() > 120 ? path.substring(0, 120) + "..." : path;
    }
}
