package net.dtm.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a PKCS12 keystore made by keytool for 127.0.0.1. */
class TlsTest {

    @TempDir
    static Path made;
    @TempDir
    Path dir;

    private static Path keystore;
    private static Path password;

    @BeforeAll
    static void makeKeystore() throws Exception {
        keystore = made.resolve("server.p12");
        password = made.resolve("password");
        Files.writeString(password, "s3cret-pass\n");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "dtm", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "s3cret-pass",
                "-keypass", "s3cret-pass").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), out);
    }

    private HttpSettings tls(Path passwordFile) {
        return HttpSettings.of("127.0.0.1", 0, true, keystore.toString(), passwordFile.toString(),
                dir.resolve("keys").toString(), 1024, 2, dir.toString());
    }

    private HttpClient trustingClient() throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            server.load(in, "s3cret-pass".toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("dtm", server.getCertificate("dtm"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    @Test
    void servesHttpsWithTheKeystore() throws Exception {
        try (ServedNode node = new ServedNode(dir, tls(password), trustingClient())) {
            assertTrue(node.host.tls());
            assertTrue(node.uri("/").toString().startsWith("https://"));
            assertEquals(200, node.get("/health/live").statusCode());
            HttpServerTest.assertProblem(node.get("/api"), 404, "Not found");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefused() throws Exception {
        try (ServedNode node = new ServedNode(dir, tls(password), HttpClient.newHttpClient())) {
            assertThrows(IOException.class, () -> node.get("/health/live"));
        }
    }

    @Test
    void aWrongPasswordOrMissingKeystoreIsAClearErrorAndBindsNothing() throws Exception {
        Path wrong = dir.resolve("wrong");
        Files.writeString(wrong, "nope");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpServerHost.start(tls(wrong), exchange -> exchange.close()));
        assertTrue(e.getMessage().contains("tls.keystore.file " + keystore), e.getMessage());

        HttpSettings missing = HttpSettings.of("127.0.0.1", 0, true, dir.resolve("none.p12").toString(),
                password.toString(), dir.resolve("keys").toString(), 1024, 2, dir.toString());
        e = assertThrows(IllegalArgumentException.class, () -> HttpServerHost.start(missing, exchange -> exchange.close()));
        assertTrue(e.getMessage().contains(dir.resolve("none.p12").toString()), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> HttpServerHost.start(tls(dir.resolve("absent")), exchange -> exchange.close()));
        assertTrue(e.getMessage().contains("tls.keystore.password.file"), e.getMessage());
    }
}
