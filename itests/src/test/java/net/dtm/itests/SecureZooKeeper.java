package net.dtm.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * One ZooKeeper server in the test driver's JVM that serves a TLS client port (Netty, client
 * certificates required), with a fresh self-signed certificate that serves as the server's and
 * the client's identity and as the CA both trust. Started at most once per JVM, closed when the
 * JVM exits. Only the driver touches this class (the container never loads it).
 */
final class SecureZooKeeper {

    /** The password of every store and of {@link #passwordFile()}. */
    private static final String STORE_PASSWORD = "itest-" + Long.toHexString(System.nanoTime());

    private static TestingServer server;
    private static Path dir;
    private static int securePort;

    private SecureZooKeeper() {
    }

    /** Starts the server if need be; returns {@code 127.0.0.1:<secure port>}. */
    static synchronized String secureConnectString() throws IOException {
        if (server == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.zookeeper", "warn");
            System.setProperty("zookeeper.admin.enableServer", "false");
            dir = Files.createTempDirectory("dtm-itest-zk-tls");
            keytool("-genkeypair", "-alias", "zk", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", keyStore().toString(), "-storepass", STORE_PASSWORD);
            keytool("-exportcert", "-alias", "zk", "-keystore", keyStore().toString(), "-storepass", STORE_PASSWORD,
                    "-file", dir.resolve("zk.crt").toString());
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("zk.crt").toString(),
                    "-storetype", "PKCS12", "-keystore", trustStore().toString(), "-storepass", STORE_PASSWORD);
            Files.writeString(passwordFile(), STORE_PASSWORD);
            securePort = InstanceSpec.getRandomPort();
            Map<String, Object> props = Map.of("secureClientPort", Integer.toString(securePort),
                    "serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory",
                    "ssl.keyStore.location", keyStore().toString(), "ssl.keyStore.password", STORE_PASSWORD,
                    "ssl.trustStore.location", trustStore().toString(), "ssl.trustStore.password", STORE_PASSWORD);
            try {
                server = new TestingServer(new InstanceSpec(Files.createTempDirectory(dir, "data").toFile(),
                        -1, -1, -1, true, -1, -1, -1, props), true);
            } catch (Exception e) {
                throw new IOException("cannot start the TLS test ZooKeeper server: " + e, e);
            }
            TestingServer started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    System.err.println("TLS test ZooKeeper server did not close: " + e);
                }
            }, "secure-zookeeper-close"));
        }
        return "127.0.0.1:" + securePort;
    }

    /** The PKCS12 key store (the client presents the same certificate as the server). */
    static Path keyStore() {
        return dir.resolve("zk.p12");
    }

    /** The PKCS12 trust store holding the certificate. */
    static Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** A file holding the stores' password. */
    static Path passwordFile() {
        return dir.resolve("store.password");
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
