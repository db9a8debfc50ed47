package net.dtm.config.ssh;

import static net.dtm.config.ssh.Fixture.PASSWORD;
import static net.dtm.config.ssh.Fixture.SHORT;
import static net.dtm.config.ssh.Fixture.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.SshConnection;

/** Connecting and logging in: passwords, keys, secret file checks, unreachable devices. */
class MinaSshConnectorLoginTest {

    @TempDir
    Path dir;

    private TinyRouter router;
    private DeviceEmulatorServer server;
    private MinaSshConnector connector;

    @BeforeEach
    void start() {
        router = new TinyRouter();
        server = DeviceEmulatorServer.start(router, USER, PASSWORD, dir.resolve("host-key"));
        connector = new MinaSshConnector(dir.resolve("known_hosts"), SHORT, SHORT);
    }

    @AfterEach
    void stop() {
        connector.close();
        server.close();
    }

    @Test
    void logsInWithThePasswordOnTheSecretFilesFirstLine() throws Exception {
        try (SshConnection c = connector.connect(Fixture.target(server, Fixture.passwordFile(dir)))) {
            assertEquals("TinyOS 1.0\n", c.exec("uname", SHORT).stdout());
            assertTrue(c.hostKeyFingerprint().startsWith("SHA256:"), c.hostKeyFingerprint());
        }
    }

    @Test
    void logsInWithAnOpenSshPrivateKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        KeyPair key = gen.generateKeyPair();
        server.withAuthorizedKey(key.getPublic());
        try (SshConnection c = connector.connect(Fixture.target(server, Fixture.openSshKeyFile(dir, key)))) {
            assertEquals(0, c.exec("uname", SHORT).exitStatus());
        }
    }

    @Test
    void logsInWithAPemPrivateKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair key = gen.generateKeyPair();
        server.withAuthorizedKey(key.getPublic());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path file = Fixture.secretFile(dir, "id_rsa.pem", pem, "r--------");
        try (SshConnection c = connector.connect(Fixture.target(server, file))) {
            assertEquals(0, c.exec("uname", SHORT).exitStatus());
        }
    }

    @Test
    void aKeyTheDeviceDoesNotKnowIsRefusedLikeAWrongPassword() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        Path file = Fixture.openSshKeyFile(dir, gen.generateKeyPair());
        ConfigException e = assertThrows(ConfigException.class, () -> connector.connect(Fixture.target(server, file)));
        assertEquals("login as admin to " + where() + " refused: wrong password or key in " + file
                + " (or the account does not exist or may not log in over SSH)", e.getMessage());
    }

    @Test
    void aSecretFileReadableByOthersIsRefusedBeforeConnecting() throws Exception {
        Path file = Fixture.secretFile(dir, "open.secret", PASSWORD + "\n", "rw-r--r--");
        ConfigException e = assertThrows(ConfigException.class, () -> connector.connect(Fixture.target(server, file)));
        assertFalse(e.rejected());
        assertEquals("secret file " + file + " has mode 644 (rw-r--r--), readable by others than its owner: run"
                + " chmod 600 " + file, e.getMessage());
        assertEquals(List.of(), server.received());
        assertFalse(Files.exists(dir.resolve("known_hosts")), "no connection was made, no key pinned");
    }

    @Test
    void aMissingSecretFileSaysWhatToWriteThere() {
        Path file = dir.resolve("nowhere.secret");
        ConfigException e = assertThrows(ConfigException.class, () -> connector.connect(Fixture.target(server, file)));
        assertEquals("secret file " + file + " does not exist: write the device's password (first line) or private"
                + " key there and chmod 600 " + file, e.getMessage());
    }

    @Test
    void aTargetWithoutSecretFileIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> connector.connect(Fixture.target(server, null)));
        assertEquals("no secret file configured for admin@" + where()
                + ": set one holding the password or private key (mode 600)", e.getMessage());
    }

    @Test
    void aWrongPasswordIsRefusedWithoutShowingAnyPassword() throws Exception {
        String wrong = "NotThePassword-42";
        Path file = Fixture.secretFile(dir, "wrong.secret", wrong + "\n", "rw-------");
        ConfigException e = assertThrows(ConfigException.class, () -> connector.connect(Fixture.target(server, file)));
        assertFalse(e.rejected());
        assertEquals("login as admin to " + where() + " refused: wrong password or key in " + file
                + " (or the account does not exist or may not log in over SSH)", e.getMessage());
        assertFalse(Secrets.appearIn(e, wrong, PASSWORD));
    }

    @Test
    void aClosedPortIsReportedAsRefusedConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path secret = Fixture.passwordFile(dir);
        ConfigException e = assertThrows(ConfigException.class,
                () -> connector.connect(Fixture.target("127.0.0.1", port, secret)));
        assertEquals("127.0.0.1:" + port + " refused the connection: check that SSH is enabled on the device and"
                + " that the port is right", e.getMessage());
    }

    @Test
    void aPortThatNeverSpeaksSshFailsWithinTheConnectTimeout() throws Exception {
        Path secret = Fixture.passwordFile(dir);
        Duration connectTimeout = Duration.ofMillis(700);
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             MinaSshConnector quick = new MinaSshConnector(dir.resolve("kh2"), connectTimeout, SHORT)) {
            long start = System.nanoTime();
            ConfigException e = assertThrows(ConfigException.class,
                    () -> quick.connect(Fixture.target("127.0.0.1", silent.getLocalPort(), secret)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertEquals("no answer from 127.0.0.1:" + silent.getLocalPort() + " within 700 ms while exchanging keys"
                    + " and logging in: check the address, the route and any firewall, and that an SSH server listens"
                    + " there", e.getMessage());
            assertTrue(took.compareTo(connectTimeout.plusSeconds(2)) < 0, "took " + took);
        }
    }

    @Test
    void portZeroMeans22() throws IOException {
        Path secret = Fixture.passwordFile(dir);
        ConfigException e = assertThrows(ConfigException.class,
                () -> connector.connect(Fixture.target("127.0.0.1", 0, secret)));
        assertTrue(e.getMessage().startsWith("127.0.0.1:22 ") || e.getMessage().contains(" 127.0.0.1:22 "),
                e.getMessage());
    }

    @Test
    void theSecretFileModeIsCheckedOnEveryConnect() throws Exception {
        Path file = Fixture.passwordFile(dir);
        connector.connect(Fixture.target(server, file)).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw----"));
        ConfigException e = assertThrows(ConfigException.class, () -> connector.connect(Fixture.target(server, file)));
        assertTrue(e.getMessage().contains("has mode 660 (rw-rw----)"), e.getMessage());
    }

    private String where() {
        return "127.0.0.1:" + server.port();
    }
}
