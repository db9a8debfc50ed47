package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.After;
import org.junit.Test;

/**
 * The README's promise for {@code ./run.sh}, checked on the script itself (on the distribution the
 * build made, {@code DTM_SKIP_BUILD=1}): the demo tunnel comes up, the script leaves an admin API
 * key in a mode-600 file, and while the node runs the HTTP endpoints the README names answer on
 * 127.0.0.1:8181: readiness says ready, {@code /metrics} has {@code dtm_} series for requests,
 * pools and latency, and the REST lease list answers with the key and refuses without one. Ctrl-C
 * (SIGTERM) stops the node.
 *
 * <p>Uses the fixed ports of a fresh install (8181, 47800, the SSH console's), as an operator
 * would: failsafe runs the integration tests one at a time.
 */
public class RunScriptIT {

    private static final String HTTP = "http://127.0.0.1:8181";
    private static final Duration START = Duration.ofSeconds(240);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process script;
    private List<ProcessHandle> tree = List.of();

    @After
    public void stop() throws Exception {
        if (script == null) {
            return;
        }
        tree = script.descendants().toList();
        script.destroy();   // SIGTERM, as Ctrl-C would: run.sh stops the node itself
        boolean ended = script.waitFor(90, TimeUnit.SECONDS);
        for (ProcessHandle p : tree) {
            if (!p.onExit().completeOnTimeout(p, 30, TimeUnit.SECONDS).join().isAlive()) {
                continue;
            }
            p.destroyForcibly();
        }
        if (!ended) {
            script.destroyForcibly();
        }
        assertTrue("run.sh did not end within 90 s of SIGTERM", ended);
        assertTrue("the node outlived run.sh", tree.stream().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    public void theReadmesUrlsAnswerWhileRunShRuns() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Path home = Path.of("target", "run-script-it", "dtm-node").toAbsolutePath();
        Path out = Path.of("target", "run-script-it.out").toAbsolutePath();
        Files.createDirectories(out.getParent());
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("run.sh").toString())
                .directory(repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("DTM_SKIP_BUILD", "1");
        pb.environment().put("DTM_HOME", home.toString());
        script = pb.start();

        Awaitility.await("run.sh: node running").atMost(START).pollInterval(Duration.ofMillis(500))
                .until(() -> read(out).contains("dtm: node running") || !script.isAlive());
        String printed = read(out);
        assertTrue(printed, script.isAlive());
        assertTrue(printed, printed.contains("tunnel established: device=smr-demo-1"));
        assertTrue(printed, printed.contains("dtm: HTTP on " + HTTP));

        Path keyFile = home.resolve("etc/dtm-api-key.run");
        assertTrue(printed, printed.contains(keyFile.toString()));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(keyFile));
        String key = Files.readString(keyFile).strip();
        assertTrue("an API key, not " + key.length() + " characters", key.matches("dtmak1-[a-z0-9]{12}-[A-Za-z0-9_-]{43}"));
        assertTrue("the key must not reach the script's output", !printed.contains(key));

        HttpResponse<String> ready = get("/health/ready", null);
        assertEquals(ready.body(), 200, ready.statusCode());
        assertTrue(ready.body(), ready.body().contains("\"status\":\"READY\""));

        // the pools' figures are computed at most every 5 s (the dashboard's timeline may have
        // asked before the demo pool existed): wait for a fresh set, bounded
        List<String> wanted = List.of("dtm_server_requests_total{", "dtm_server_request_seconds_bucket{",
                "dtm_pool_bound{pool=\"demo\"}", "dtm_pool_utilisation_ratio{pool=\"demo\"}",
                "dtm_agent_establish_seconds_bucket{", "dtm_agent_link_rtt_seconds{link=\"5g\"}");
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> scraped = new java.util.concurrent.atomic.AtomicReference<>();
        Awaitility.await("dtm_ series for requests, pools and latency").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    scraped.set(get("/metrics", null));
                    return scraped.get().statusCode() == 200 && wanted.stream().allMatch(scraped.get().body()::contains);
                });
        HttpResponse<String> metrics = scraped.get();
        assertTrue("no device id in any label", !metrics.body().contains("smr-demo-1"));

        HttpResponse<String> refused = get("/api/v1/leases", null);
        assertEquals(401, refused.statusCode());
        assertEquals("application/problem+json", refused.headers().firstValue("content-type").orElse("").split(";")[0]);

        HttpResponse<String> leases = get("/api/v1/leases?pool=demo", key);
        assertEquals(leases.body(), 200, leases.statusCode());
        assertTrue(leases.body(), leases.body().contains("\"device\":\"smr-demo-1\""));
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(HTTP + path)).timeout(Duration.ofSeconds(10));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
