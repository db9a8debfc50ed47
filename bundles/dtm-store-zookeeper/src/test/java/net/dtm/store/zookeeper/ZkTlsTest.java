package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Pool;

/**
 * TLS to an in-process ZooKeeper that serves a secure client port (Netty, client certificates
 * required): DTM's client with the configured trust and key stores works there, a plain client
 * or one that trusts another CA does not.
 */
class ZkTlsTest {

    private static final String STORE_PASSWORD = "changeit-test";

    @TempDir
    static Path dir;

    private static TestingServer server;
    private static int securePort;
    private static Path clientStore;
    private static Path passwordFile;
    private static Path strangerStore;

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
    }

    /**
     * A PKCS12 key store {@code <name>.p12} holding a fresh self-signed key pair valid for
     * localhost and 127.0.0.1, and a trust store {@code <name>-trust.p12} holding its certificate.
     */
    static Path keyStore(Path folder, String name) throws Exception {
        Path store = folder.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", STORE_PASSWORD);
        Path cert = folder.resolve(name + ".crt");
        keytool("-exportcert", "-alias", name, "-keystore", store.toString(), "-storepass", STORE_PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", name + "-ca", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore(store).toString(), "-storepass", STORE_PASSWORD);
        return store;
    }

    static Path trustStore(Path keyStore) {
        return keyStore.resolveSibling(keyStore.getFileName().toString().replace(".p12", "-trust.p12"));
    }

    @BeforeAll
    static void startSecureServer() throws Exception {
        // One self-signed pair serves as the server's identity, the client's identity and the CA both trust.
        Path serverStore = keyStore(dir, "zk");
        clientStore = serverStore;
        strangerStore = keyStore(dir, "stranger");
        passwordFile = Files.writeString(dir.resolve("store.password"), STORE_PASSWORD);
        securePort = InstanceSpec.getRandomPort();
        Map<String, Object> props = Map.of("secureClientPort", Integer.toString(securePort),
                "serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory",
                "ssl.keyStore.location", serverStore.toString(), "ssl.keyStore.password", STORE_PASSWORD,
                "ssl.trustStore.location", trustStore(serverStore).toString(), "ssl.trustStore.password", STORE_PASSWORD);
        File data = Files.createTempDirectory(dir, "zk").toFile();
        server = new TestingServer(new InstanceSpec(data, -1, -1, -1, true, -1, 100, -1, props), true);
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            server.close();
        } finally {
            // The server turns its ssl.* and serverCnxnFactory settings into JVM-wide system properties.
            System.getProperties().stringPropertyNames().stream()
                    .filter(k -> k.startsWith("zookeeper.ssl") || k.equals("zookeeper.serverCnxnFactory"))
                    .forEach(System::clearProperty);
        }
    }

    private static ZkSettings settings(String nodeId) {
        return ZkSettings.of("127.0.0.1:" + securePort, ZkTesting.PASSWORD, nodeId)
                .withNamespace(ZkTesting.freshNamespace()).withTimeouts(6000, 1000);
    }

    /** TLS with the client's key store and the trust store of {@code trusted}'s certificate. */
    private static ZkClientSecurity tls(Path trusted) {
        return ZkClientSecurity.fromConfig(Map.of("tls.enabled", "true", "tls.keystore", clientStore.toString(),
                "tls.keystore.password.file", passwordFile.toString(), "tls.truststore", trustStore(trusted).toString(),
                "tls.truststore.password.file", passwordFile.toString()));
    }

    /** Whether a client with {@code security} connects to the secure port within {@code seconds}. */
    private static boolean connects(ZkClientSecurity security, int seconds) throws InterruptedException {
        try (CuratorFramework c = ZkNode.newClient(settings("probe"), security)) {
            c.start();
            return c.blockUntilConnected(seconds, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNodeWithTlsWorksOnTheSecurePort() throws Exception {
        ZkSettings settings = settings("tls-node");
        try (ZkNode node = ZkNode.open(settings, tls(clientStore))) {
            assertTrue(node.client().blockUntilConnected(20, TimeUnit.SECONDS), "TLS connection");
            node.store().createPool(Pool.of("tls-pool", "10.9.0.0/24", 60));
            assertEquals("tls-pool", node.store().pool("tls-pool").orElseThrow().name());
            assertTrue(node.client().getZookeeperClient().getZooKeeper().getClientConfig()
                    .getBoolean("zookeeper.client.secure"), "this client's own configuration says TLS");
        }
        assertFalse(Boolean.getBoolean("zookeeper.client.secure"), "no JVM-wide client setting");
    }

    @Test
    void aPlainClientCannotTalkToTheSecurePort() throws Exception {
        assertTrue(connects(tls(clientStore), 20), "the same port with TLS works (so the next check can fail)");
        assertFalse(connects(ZkClientSecurity.PLAIN, 3), "a plain client is not served on the secure port");
    }

    @Test
    void aClientTrustingAnotherCaIsRefused() throws Exception {
        assertFalse(connects(tls(strangerStore), 3), "the server's certificate is not trusted");
    }

    @Test
    void settingsAreCheckedAndNoSecretIsShown() throws Exception {
        ZkClientSecurity s = tls(clientStore);
        assertTrue(s.properties().containsKey("zookeeper.ssl.keyStore.passwordPath"));
        assertFalse(s.toString().contains(STORE_PASSWORD));
        assertEquals(List.of(), List.copyOf(ZkClientSecurity.PLAIN.properties().keySet()));
        assertEquals(null, ZkClientSecurity.PLAIN.clientConfig(), "plain: the client exactly as before");
    }
}
