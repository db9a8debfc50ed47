package net.dtm.systest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import net.dtm.api.DeviceId;
import net.dtm.testkit.lease.LeaseClient;

/**
 * The dashboard in a real browser against the SHIPPED server distribution: the distribution is
 * unpacked with its own ports, given an admin API key in its key file (the format
 * dtm-http documents), started, and a viewer key made with {@code apikey:create} on its console; headless Chromium (Debian's chromium and chromium-driver,
 * over WebDriver) signs in with a wrong key (refused with a message), then the admin key; a pool is
 * created and a device enrolled through the REST API, the device takes a lease over UDP with the
 * real protocol, and the page shows the pool's utilisation change by itself (5 s refresh); a device
 * search narrows the device list; a viewer key's drain is refused with a message about its role.
 * Screenshot: {@code target/dashboard.png}. Skips only when Chromium or chromedriver is absent.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DashboardIT {

    private static final String POOL = "dash";
    private static final String ROUTER = "dash-router-1";
    private static final List<String> OTHERS = List.of("dash-router-2", "edge-cpe-17", "edge-cpe-18", "lab-sw-3");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path home;
    private Process karaf;
    private DashboardBrowser browser;
    private String url;
    private int udpPort;
    private String sshPort;
    private boolean passed;

    @BeforeEach
    void requireChromium() {
        assumeTrue(DashboardBrowser.unavailable().isEmpty(),
                () -> "dashboard browser test skipped: " + DashboardBrowser.unavailable().orElse(""));
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (karaf != null) {
            karaf.destroy(); // SIGTERM: Karaf shuts down; the test's deadline leaves it 20 s
            if (!karaf.waitFor(20, TimeUnit.SECONDS)) {
                karaf.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (!passed && home != null) {
            System.out.println("dashboard: kept " + home + " for inspection (data/log/karaf.log, console.out)");
        } else if (home != null) {
            delete(home.getParent()); // the unpacked distribution (the screenshot is beside it, in target/)
        }
    }

    @Test
    void operatorSignsInSeesALeaseFillThePoolAndSearchesDevices() throws Exception {
        long t0 = System.nanoTime();
        Path work = Path.of("target", "dashboard").toAbsolutePath();
        home = work.resolve("server");
        String admin = unpackAndConfigure(work);
        startKaraf();
        await("the node serves the dashboard and the REST API").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .failFast("Karaf exited", () -> !karaf.isAlive())
                .until(() -> get("/dashboard/", null).statusCode() == 200 && get("/api/v1/overview", admin).statusCode() == 200);
        System.out.printf("dashboard: node up after %.1f s%n", (System.nanoTime() - t0) / 1e9);
        String viewer = createKeyOnTheConsole("viewer");

        servedAsStaticFilesWithoutData(admin);

        // a pool of its own for the test's router, the router and a few others enrolled
        HttpResponse<String> pool = send("POST", "/api/v1/pools", admin, "{\"name\":\"" + POOL + "\",\"prefix\":\"10.99.0.0/28\","
                + "\"leaseSeconds\":600,\"devices\":[\"" + ROUTER + "\"]}");
        assertEquals(201, pool.statusCode(), "pool created: " + pool.body());
        byte[] routerKey = enrol(ROUTER, admin);
        for (String other : OTHERS) {
            enrol(other, admin);
        }

        browser = new DashboardBrowser(work.resolve("chromedriver.log"), 1440, 1200);
        browser.open(url + "/");
        await("the sign-in form").atMost(Duration.ofSeconds(10)).until(() -> browser.visible("#login-form"));
        assertEquals(url + "/dashboard/", browser.script("location.href"), "/ leads to the dashboard");

        // a wrong key: refused, with a message, and nothing shown
        browser.type("#api-key", admin.substring(0, admin.length() - 4) + "AAAA");
        browser.click("#sign-in");
        await("a wrong key is refused").atMost(Duration.ofSeconds(10)).until(() -> browser.visible("#login-error"));
        assertTrue(browser.text("#login-error").contains("API key was refused"), browser.text("#login-error"));
        assertTrue(!browser.visible("#dashboard-view"), "no dashboard without a valid key");

        // the admin key: pools, nodes and devices appear
        browser.type("#api-key", admin);
        browser.click("#sign-in");
        String row = "#pools tr[data-pool='" + POOL + "'] .util-value";
        await("the pool's row").atMost(Duration.ofSeconds(10)).until(() -> !browser.text(row).isEmpty());
        assertEquals("0.0 %", browser.text(row), "nothing leased yet");
        assertTrue(browser.script("sessionStorage.getItem('dtm.apiKey')").equals(admin), "key kept in sessionStorage");
        assertTrue(Integer.parseInt(browser.script("document.querySelectorAll('#nodes tbody tr[data-node]').length")) >= 1,
                "the node is listed");
        if (get("/api/v1/overview", admin).body().contains("\"agent\":null")) {
            assertTrue(browser.text("#agent-empty").startsWith("No agent runs on this node"), browser.text("#agent-empty"));
        } else {
            await("the agent's links").atMost(Duration.ofSeconds(10))
                    .until(() -> browser.script("document.querySelectorAll('#links tbody tr[data-link]').length").matches("[1-9]\\d*"));
        }

        // a lease over UDP: the page shows the pool's utilisation change without any action
        try (LeaseClient client = new LeaseClient(new InetSocketAddress("127.0.0.1", udpPort),
                Map.of(new DeviceId(ROUTER), routerKey), 1, new LeaseClient.Listener() { },
                LeaseClient.Options.DEFAULTS.withPool(POOL))) {
            LeaseClient.Result r = client.runOnce(List.of(new DeviceId(ROUTER)), Duration.ofSeconds(15));
            assertEquals(1, r.confirmed(), "the router's lease is bound: " + r);
        }
        await("the pool's utilisation changes by itself").atMost(Duration.ofSeconds(12))
                .pollInterval(Duration.ofMillis(200)).until(() -> !browser.text(row).equals("0.0 %"));
        String utilisation = browser.text(row);
        assertTrue(utilisation.matches("\\d+\\.\\d %") && Double.parseDouble(utilisation.split(" ")[0]) > 0, utilisation);
        assertEquals("1", browser.text("#pools tr[data-pool='" + POOL + "'] td:nth-child(4)"), "one bound lease");
        System.out.printf("dashboard: pool %s at %s after the lease%n", POOL, utilisation);

        // the lease chart draws once the timeline has two samples (one every 10 s): for the screenshot
        await("the lease chart").atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(500))
                .until(() -> browser.script("document.querySelectorAll('#leases-chart path.series').length").equals("2"));
        browser.screenshot(Path.of("target", "dashboard.png").toAbsolutePath());

        // device search
        browser.type("#device-search", "cpe");
        await("the device search").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> deviceRows().equals(List.of("edge-cpe-17", "edge-cpe-18")));
        browser.type("#device-search", "no-such-device");
        await("an empty search says so").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> browser.text("#devices tbody").contains("No device id contains"));

        // a viewer key reads, and is told its role may not drain
        browser.click("#sign-out");
        await("signed out").atMost(Duration.ofSeconds(5)).until(() -> browser.visible("#login-form"));
        assertEquals("null", browser.script("sessionStorage.getItem('dtm.apiKey')"), "key forgotten at sign-out");
        browser.type("#api-key", viewer);
        browser.click("#sign-in");
        await("the node's drain button").atMost(Duration.ofSeconds(10))
                .until(() -> browser.visible("#nodes tbody tr[data-node] button"));
        browser.click("#nodes tbody tr[data-node] button");
        browser.acceptDialog();
        await("the role message").atMost(Duration.ofSeconds(10)).until(() -> browser.visible("#banner"));
        assertTrue(browser.text("#banner").contains("role may not drain"), browser.text("#banner"));
        System.out.printf("dashboard: passed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        passed = true;
    }

    /** The files as the node's HTTP server sends them: types, caching, no traversal, no data without a key. */
    private void servedAsStaticFilesWithoutData(String admin) throws IOException, InterruptedException {
        HttpResponse<String> root = get("/", null);
        assertEquals(302, root.statusCode());
        assertEquals("/dashboard/", root.headers().firstValue("Location").orElse(""));
        HttpResponse<String> page = get("/dashboard/", null);
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"));
        Matcher js = Pattern.compile("src=\"(app\\.js\\?v=[0-9a-f]{12})\"").matcher(page.body());
        assertTrue(js.find(), "the page loads its versioned script: " + page.body());
        HttpResponse<String> script = get("/dashboard/" + js.group(1), null);
        assertEquals(200, script.statusCode());
        assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElse(""));
        assertEquals("public, max-age=31536000, immutable", script.headers().firstValue("Cache-Control").orElse(""));
        for (String traversal : List.of("/dashboard/../etc/passwd", "/dashboard/%2e%2e/%2e%2e/etc/passwd",
                "/dashboard/..%2f..%2fetc%2fdtm-api-keys", "/dashboard/%5c..%5cetc%5cdtm-api-keys")) {
            HttpResponse<String> r = get(traversal, null);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, traversal + ": " + r.statusCode());
            assertTrue(!r.body().contains(admin.substring(7, 19)) && !r.body().contains("root:"), traversal + ": " + r.body());
        }
        HttpResponse<String> noKey = get("/api/v1/overview", null);
        assertEquals(401, noKey.statusCode(), "the data needs a key");
    }

    private List<String> deviceRows() throws IOException, InterruptedException {
        String ids = browser.script("Array.from(document.querySelectorAll('#devices tbody tr[data-device]'))"
                + ".map(function(r){return r.getAttribute('data-device');}).join(',')");
        return ids.isEmpty() ? List.of() : List.of(ids.split(","));
    }

    /** Unpacks the distribution with free ports and an admin key; returns the key. */
    private String unpackAndConfigure(Path work) throws IOException, InterruptedException {
        String tarGz = System.getProperty("dtm.distribution");
        assertTrue(tarGz != null && Files.isRegularFile(Path.of(tarGz)), "the server distribution (dtm.distribution): " + tarGz);
        delete(work);
        Files.createDirectories(home);
        Process tar = new ProcessBuilder("tar", "xzf", tarGz, "-C", home.toString(), "--strip-components=1")
                .redirectErrorStream(true).start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar xzf " + tarGz);
        int httpPort = DashboardBrowser.freePort();
        try (DatagramSocket s = new DatagramSocket(0)) {
            udpPort = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + httpPort;
        setProperty("etc/net.dtm.http.cfg", "port", Integer.toString(httpPort));
        setProperty("etc/net.dtm.server.cfg", "bind.port", Integer.toString(udpPort));
        setProperty("etc/net.dtm.server.cfg", "bind.host", "127.0.0.1");
        if (Files.exists(home.resolve("etc/net.dtm.agent.cfg"))) { // the demo agent, if shipped, follows the server
            setProperty("etc/net.dtm.agent.cfg", "servers", "127.0.0.1:" + udpPort);
        }
        sshPort = Integer.toString(DashboardBrowser.freePort());
        setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", sshPort);
        setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(DashboardBrowser.freePort()));
        setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(DashboardBrowser.freePort()));
        return addKey(home, "admin", "dashboard test admin");
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /**
     * Appends a key to etc/dtm-api-keys as {@code apikey:create} does (dtm-http's ApiKeyFile: id role
     * sha256-of-the-key-text created expires state label); returns the key text.
     */
    static String addKey(Path home, String role, String label) throws IOException {
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            id.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = "dtmak1-" + id + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String sha256;
        try {
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path file = home.resolve("etc/dtm-api-keys");
        String line = id + " " + role + " " + sha256 + " " + Instant.now() + " - active " + label + "\n";
        Files.writeString(file, line, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        return key;
    }

    /** Sets {@code key = value} in an etc/ file, replacing its line or appending one. */
    private void setProperty(String file, String key, String value) throws IOException {
        Path path = home.resolve(file);
        List<String> out = new ArrayList<>();
        boolean done = false;
        Pattern line = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*[=:].*");
        for (String l : Files.exists(path) ? Files.readAllLines(path) : List.<String>of()) {
            boolean match = line.matcher(l).matches();
            out.add(match ? key + " = " + value : l);
            done |= match;
        }
        if (!done) {
            out.add(key + " = " + value);
        }
        Files.write(path, out);
    }

    /** {@code apikey:create --role <role>} through bin/client with the operator's credentials; returns the key. */
    private String createKeyOnTheConsole(String role) throws IOException, InterruptedException {
        java.util.Properties creds = new java.util.Properties();
        try (var in = Files.newInputStream(home.resolve("etc/dtm-operator.credentials"))) {
            creds.load(in);
        }
        Process client = new ProcessBuilder(home.resolve("bin/client").toString(), "-a", sshPort, "-h", "127.0.0.1",
                "-u", creds.getProperty("user"), "-p", creds.getProperty("password"), "-r", "5", "-b")
                .directory(home.toFile()).redirectErrorStream(true).start();
        client.getOutputStream().write(("apikey:create --role " + role + " --label dashboard-test\n")
                .getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(30, TimeUnit.SECONDS), "bin/client ends");
        Matcher key = Pattern.compile("dtmak1-[a-z0-9]{12}-[A-Za-z0-9_-]{43}").matcher(out);
        assertTrue(key.find(), "apikey:create printed a key: " + out.replaceAll("-[A-Za-z0-9_-]{43}", "-<secret>"));
        return key.group();
    }

    private void startKaraf() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "daemon").directory(home.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.out").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        karaf = pb.start();
    }

    private byte[] enrol(String device, String key) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", "/api/v1/devices", key, "{\"id\":\"" + device + "\"}");
        assertEquals(201, r.statusCode(), "enrol " + device + ": " + r.body());
        Matcher m = Pattern.compile("\"key\"\\s*:\\s*\"([0-9a-fA-F]+)\"").matcher(r.body());
        assertTrue(m.find(), "the enrolment answer holds the device key: " + r.body().replaceAll("[0-9a-f]{16,}", "<hex>"));
        return HexFormat.of().parseHex(m.group(1).toLowerCase());
    }

    private HttpResponse<String> get(String path, String key) throws IOException, InterruptedException {
        return send("GET", path, key, null);
    }

    private HttpResponse<String> send(String method, String path, String key, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
