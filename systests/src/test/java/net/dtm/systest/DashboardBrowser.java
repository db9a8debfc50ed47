package net.dtm.systest;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

/**
 * Headless Chromium driven over the W3C WebDriver protocol (JSON over HTTP to Debian's
 * {@code chromedriver}, with the JDK's HttpClient: no Selenium). Only what the dashboard test
 * needs: open a URL, type into and click elements found by CSS selector, run a script that
 * returns a string, accept a confirm dialog, save a screenshot.
 */
final class DashboardBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String session;

    /** Why the browser cannot run here, if it cannot (Debian's chromium and chromium-driver missing). */
    static Optional<String> unavailable() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            return Optional.of(CHROMIUM + " or " + CHROMEDRIVER + " missing (apt-get install chromium chromium-driver;"
                    + " .ci/run installs them)");
        }
        return Optional.empty();
    }

    /** Starts chromedriver (its log in {@code log}) and a headless browser of {@code width} x {@code height}. */
    DashboardBrowser(Path log, int width, int height) throws IOException, InterruptedException {
        int port = freePort();
        this.base = "http://127.0.0.1:" + port;
        this.driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        String created = null;
        try {
            awaitDriver();
            String args = String.join("\",\"", List.of("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--window-size=" + width + "," + height,
                    "--user-data-dir=" + log.resolveSibling("chromium-profile")));
            created = call("POST", "/session", "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\","
                    + "\"goog:chromeOptions\":{\"binary\":\"" + CHROMIUM + "\",\"args\":[\"" + args + "\"]}}}}");
        } finally {
            if (created == null) {
                driver.destroyForcibly();
            }
        }
        Matcher m = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"").matcher(created);
        if (!m.find()) {
            driver.destroyForcibly();
            throw new IOException("chromedriver gave no session: " + created);
        }
        this.session = "/session/" + m.group(1);
    }

    private void awaitDriver() {
        Awaitility.await("chromedriver answers /status as ready").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .failFast("chromedriver exited", () -> !driver.isAlive())
                .until(() -> call("GET", "/status", null).matches("(?s).*\"ready\"\\s*:\\s*true.*"));
    }

    void open(String url) throws IOException, InterruptedException {
        call("POST", session + "/url", "{\"url\":" + quote(url) + "}");
    }

    /** Replaces the text of the element {@code css} with {@code text}. */
    void type(String css, String text) throws IOException, InterruptedException {
        String element = find(css);
        call("POST", session + "/element/" + element + "/clear", "{}");
        call("POST", session + "/element/" + element + "/value", "{\"text\":" + quote(text) + "}");
    }

    void click(String css) throws IOException, InterruptedException {
        call("POST", session + "/element/" + find(css) + "/click", "{}");
    }

    /** Accepts the open confirm dialog. */
    void acceptDialog() throws IOException, InterruptedException {
        call("POST", session + "/alert/accept", "{}");
    }

    /** Runs {@code script} (a function body) in the page; its return value as a string (null as "null"). */
    String script(String script) throws IOException, InterruptedException {
        String answer = call("POST", session + "/execute/sync", "{\"script\":" + quote("return String(" + script + ");")
                + ",\"args\":[]}");
        return stringValue(answer);
    }

    /** The text content of the element {@code css}, or "" when there is none. */
    String text(String css) throws IOException, InterruptedException {
        return script("(document.querySelector(" + quote(css) + ") || {textContent: ''}).textContent.trim()");
    }

    /** Whether the element {@code css} exists and is not hidden. */
    boolean visible(String css) throws IOException, InterruptedException {
        return script("(function(e){return !!e && e.offsetParent !== null;})(document.querySelector(" + quote(css) + "))")
                .equals("true");
    }

    void screenshot(Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode(stringValue(call("GET", session + "/screenshot", null))));
    }

    private String find(String css) throws IOException, InterruptedException {
        String answer = call("POST", session + "/element", "{\"using\":\"css selector\",\"value\":" + quote(css) + "}");
        Matcher m = Pattern.compile("\"" + ELEMENT + "\"\\s*:\\s*\"([^\"]+)\"").matcher(answer);
        if (!m.find()) {
            throw new IOException("no element " + css + ": " + answer);
        }
        return m.group(1);
    }

    private String call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("WebDriver " + method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The string (or literal) that is the answer's {@code value}; WebDriver answers are {"value": ...}. */
    static String stringValue(String answer) {
        Matcher m = Pattern.compile("^\\s*\\{\\s*\"value\"\\s*:\\s*(\"|null|true|false)").matcher(answer);
        if (!m.find()) {
            throw new IllegalArgumentException("not a WebDriver string answer: " + answer);
        }
        if (!m.group(1).equals("\"")) {
            return m.group(1);
        }
        StringBuilder out = new StringBuilder();
        for (int i = m.end(); i < answer.length(); i++) {
            char c = answer.charAt(i);
            if (c == '"') {
                return out.toString();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = answer.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(answer.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(e);
            }
        }
        throw new IllegalArgumentException("unterminated string in " + answer);
    }

    /** {@code s} as a JSON string literal. */
    static String quote(String s) {
        return s.chars().mapToObj(c -> switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c);
        }).collect(Collectors.joining("", "\"", "\""));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            call("DELETE", session, null);
        } catch (IOException e) {
            // the browser is gone already; chromedriver goes next
        }
        driver.destroy();
        if (!driver.waitFor(5, TimeUnit.SECONDS)) {
            driver.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
