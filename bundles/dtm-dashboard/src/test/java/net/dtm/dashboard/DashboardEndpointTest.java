package net.dtm.dashboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.http.HttpProblem;
import net.dtm.api.http.HttpRequest;
import net.dtm.api.http.HttpResponse;

class DashboardEndpointTest {

    /** The bundle's real files. */
    private final DashboardEndpoint shipped = new DashboardEndpoint(StaticFiles.of("dashboard", getClass().getClassLoader()));

    private static HttpRequest get(String path, Map<String, List<String>> query, Map<String, List<String>> headers) {
        return new HttpRequest("GET", path, query, headers, new byte[0], Optional.empty(), "127.0.0.1");
    }

    private static HttpRequest get(String path) {
        return get(path, Map.of(), Map.of());
    }

    private static String text(HttpResponse r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void rootAndBareBaseRedirectToTheDashboard() {
        for (String path : List.of("/", "/dashboard")) {
            HttpResponse r = shipped.handle(get(path));
            assertEquals(302, r.status(), path);
            assertEquals("/dashboard/", r.headers().get("Location"), path);
        }
    }

    @Test
    void indexIsHtmlRevalidatedWithAStrictPolicyAndVersionedAssets() {
        HttpResponse r = shipped.handle(get("/dashboard/"));
        assertEquals(200, r.status());
        assertEquals("text/html; charset=utf-8", r.contentType());
        assertEquals("no-cache", r.headers().get("Cache-Control"));
        assertEquals(DashboardEndpoint.CSP, r.headers().get("Content-Security-Policy"));
        assertEquals("DENY", r.headers().get("X-Frame-Options"));
        assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
        String html = text(r);
        assertFalse(html.contains("{{"), "every asset reference resolved");
        assertTrue(html.matches("(?s).*src=\"app\\.js\\?v=[0-9a-f]{12}\".*"), html);
        assertTrue(html.matches("(?s).*href=\"style\\.css\\?v=[0-9a-f]{12}\".*"), html);
        assertFalse(html.contains("http://") && html.contains("<script src=\"http"), "no external script");
        assertArrayEquals(r.body(), shipped.handle(get("/dashboard/index.html")).body());
    }

    @Test
    void assetsHaveTheirContentTypesAndAreCachedLongOnlyAtTheirCurrentVersion() {
        HttpResponse page = shipped.handle(get("/dashboard/"));
        String v = text(page).replaceAll("(?s).*app\\.js\\?v=([0-9a-f]{12}).*", "$1");
        HttpResponse js = shipped.handle(get("/dashboard/app.js", Map.of("v", List.of(v)), Map.of()));
        assertEquals(200, js.status());
        assertEquals("text/javascript; charset=utf-8", js.contentType());
        assertEquals("public, max-age=31536000, immutable", js.headers().get("Cache-Control"));
        HttpResponse old = shipped.handle(get("/dashboard/app.js", Map.of("v", List.of("000000000000")), Map.of()));
        assertEquals("no-cache", old.headers().get("Cache-Control"), "an old version's URL is revalidated");
        assertEquals("no-cache", shipped.handle(get("/dashboard/app.js")).headers().get("Cache-Control"));
        assertEquals("text/css; charset=utf-8", shipped.handle(get("/dashboard/style.css")).contentType());
        assertEquals("image/svg+xml", shipped.handle(get("/dashboard/favicon.svg")).contentType());
    }

    @Test
    void aMatchingEtagGets304WithoutBody() {
        HttpResponse first = shipped.handle(get("/dashboard/style.css"));
        String etag = first.headers().get("ETag");
        assertTrue(etag.matches("\"[0-9a-f]{32}\""), etag);
        HttpResponse again = shipped.handle(get("/dashboard/style.css", Map.of(),
                Map.of("If-None-Match", List.of("\"other\", " + etag))));
        assertEquals(304, again.status());
        assertEquals(0, again.body().length);
        assertEquals(etag, again.headers().get("ETag"));
        assertEquals(200, shipped.handle(get("/dashboard/style.css", Map.of(),
                Map.of("If-None-Match", List.of("\"other\"")))).status());
    }

    @Test
    void headIsServedAndChangesAreRefused() {
        HttpRequest head = new HttpRequest("HEAD", "/dashboard/", Map.of(), Map.of(), null, Optional.empty(), "");
        assertEquals(200, shipped.handle(head).status());
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpRequest r = new HttpRequest(method, "/dashboard/app.js", Map.of(), Map.of(), null, Optional.empty(), "");
            assertEquals(405, assertThrows(HttpProblem.class, () -> shipped.handle(r)).status(), method);
        }
    }

    @Test
    void pathTraversalAndUnknownFilesAre404() {
        // a loader that would hand out anything it is asked for: only the endpoint's checks stand between
        StaticFiles everything = new StaticFiles("dashboard",
                name -> new ByteArrayInputStream(("secret " + name).getBytes(StandardCharsets.UTF_8)));
        DashboardEndpoint open = new DashboardEndpoint(everything);
        for (String path : List.of("/dashboard/../../x.js", "/dashboard/../etc/passwd", "/dashboard/..%2f..%2fetc/passwd",
                "/dashboard/a/../../x.js", "/dashboard/./app.js", "/dashboard//etc/passwd.js", "/dashboard/.hidden.js",
                "/dashboard/a\\..\\b.js", "/dashboard/x.class", "/dashboard/net/dtm/Secret.properties",
                "/dashboard/app.js\u0000.html", "/dashboard/dir/", "/etc/passwd", "/favicon.ico", "/api")) {
            HttpProblem p = assertThrows(HttpProblem.class, () -> open.handle(get(path)), path);
            assertEquals(404, p.status(), path);
        }
        assertEquals(200, open.handle(get("/dashboard/sub/ok.js")).status(), "a plain nested name is served");
        assertEquals(404, assertThrows(HttpProblem.class, () -> shipped.handle(get("/dashboard/missing.js"))).status());
    }

    @Test
    void aPageReferringToAMissingAssetIsAClearError() {
        StaticFiles broken = new StaticFiles("d", name -> name.equals("d/index.html")
                ? new ByteArrayInputStream("<script src=\"{{asset:gone.js}}\">".getBytes(StandardCharsets.UTF_8)) : null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> broken.file("index.html"));
        assertTrue(e.getMessage().contains("gone.js"), e.getMessage());
    }
}
