package net.dtm.config.ssh;

import static net.dtm.config.ssh.Fixture.PASSWORD;
import static net.dtm.config.ssh.Fixture.SHORT;
import static net.dtm.config.ssh.Fixture.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.SshConnection;

/** Trust on first use: the first key is pinned, a different key later refuses to connect. */
class HostKeyPinningTest {

    @TempDir
    Path dir;

    @Test
    void firstConnectionPinsTheKeyAndLaterConnectionsAcceptOnlyThatKey() throws Exception {
        Path knownHosts = dir.resolve("etc/ssh/dtm-known-hosts");
        Path secret = Fixture.passwordFile(dir);
        TinyRouter router = new TinyRouter();
        String pinnedFingerprint;
        int port;
        try (MinaSshConnector connector = new MinaSshConnector(knownHosts, SHORT, SHORT)) {
            try (DeviceEmulatorServer original = DeviceEmulatorServer.start(router, USER, PASSWORD, dir.resolve("k1"))) {
                port = original.port();
                try (SshConnection c = connector.connect(Fixture.target(original, secret))) {
                    pinnedFingerprint = c.hostKeyFingerprint();
                }
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts)));
                List<String> lines = entries(knownHosts);
                assertEquals(1, lines.size(), lines.toString());
                assertTrue(lines.get(0).startsWith("[127.0.0.1]:" + port + " ecdsa-sha2-"), lines.get(0));

                try (SshConnection again = connector.connect(Fixture.target(original, secret))) {
                    assertEquals(pinnedFingerprint, again.hostKeyFingerprint());
                }
                assertEquals(lines, entries(knownHosts));
            }
            String pinnedFile = Files.readString(knownHosts);

            try (DeviceEmulatorServer replaced = DeviceEmulatorServer.start(router, USER, PASSWORD, dir.resolve("k2"),
                    port)) {
                ConfigException e = assertThrows(ConfigException.class,
                        () -> connector.connect(Fixture.target(replaced, secret)));
                assertFalse(e.rejected());
                String offered = e.getMessage().replaceAll(".*device now offers (SHA256:\\S+);.*", "$1");
                assertNotEquals(pinnedFingerprint, offered);
                assertEquals("host key of 127.0.0.1:" + port + " changed: pinned " + pinnedFingerprint
                        + ", device now offers " + offered + "; if this router was replaced, remove its line from "
                        + knownHosts + " and connect again", e.getMessage());
                assertEquals(List.of(), replaced.received());
                assertEquals(pinnedFile, Files.readString(knownHosts));
            }
        }
    }

    @Test
    void firstConnectionsAtTheSameTimePinTheKeyOnce() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Path secret = Fixture.passwordFile(dir);
        int parallel = 8;
        try (MinaSshConnector connector = new MinaSshConnector(knownHosts, SHORT, SHORT);
             DeviceEmulatorServer device = DeviceEmulatorServer.start(new TinyRouter(), USER, PASSWORD, dir.resolve("k1"))) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<String>> logins = new java.util.ArrayList<>();
                for (int i = 0; i < parallel; i++) {
                    logins.add(pool.submit(() -> {
                        go.await();
                        try (SshConnection c = connector.connect(Fixture.target(device, secret))) {
                            return c.hostKeyFingerprint();
                        }
                    }));
                }
                go.countDown();
                for (java.util.concurrent.Future<String> login : logins) {
                    login.get(30, java.util.concurrent.TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            List<String> lines = entries(knownHosts);
            assertEquals(1, lines.size(), "one pinned line, whatever the number of first connections: " + lines);
        }
    }

    @Test
    void aReplacedDeviceIsAcceptedOnceItsLineIsRemoved() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Path secret = Fixture.passwordFile(dir);
        TinyRouter router = new TinyRouter();
        try (MinaSshConnector connector = new MinaSshConnector(knownHosts, SHORT, SHORT)) {
            int port;
            try (DeviceEmulatorServer original = DeviceEmulatorServer.start(router, USER, PASSWORD, dir.resolve("k1"))) {
                port = original.port();
                connector.connect(Fixture.target(original, secret)).close();
            }
            try (DeviceEmulatorServer replaced = DeviceEmulatorServer.start(router, USER, PASSWORD, dir.resolve("k2"),
                    port)) {
                assertThrows(ConfigException.class, () -> connector.connect(Fixture.target(replaced, secret)));
                Files.writeString(knownHosts, "");
                try (SshConnection c = connector.connect(Fixture.target(replaced, secret))) {
                    assertEquals(1, entries(knownHosts).size());
                    assertTrue(entries(knownHosts).get(0).startsWith("[127.0.0.1]:" + port + " "));
                    assertEquals(0, c.exec("uname", SHORT).exitStatus());
                }
            }
        }
    }

    @Test
    void eachDevicePortHasItsOwnLine() throws Exception {
        Path knownHosts = dir.resolve("known_hosts");
        Path secret = Fixture.passwordFile(dir);
        try (MinaSshConnector connector = new MinaSshConnector(knownHosts, SHORT, SHORT);
             DeviceEmulatorServer a = DeviceEmulatorServer.start(new TinyRouter(), USER, PASSWORD, dir.resolve("ka"));
             DeviceEmulatorServer b = DeviceEmulatorServer.start(new TinyRouter(), USER, PASSWORD, dir.resolve("kb"))) {
            connector.connect(Fixture.target(a, secret)).close();
            connector.connect(Fixture.target(b, secret)).close();
            connector.connect(Fixture.target(a, secret)).close();
            assertEquals(2, entries(knownHosts).size());
        }
    }

    private static List<String> entries(Path file) throws Exception {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void anUnreadableKnownHostsFileRefusesRatherThanPinningAgain() throws Exception {
        Path knownHosts = Files.createDirectory(dir.resolve("known_hosts"));
        Path secret = Fixture.passwordFile(dir);
        try (MinaSshConnector connector = new MinaSshConnector(knownHosts, SHORT, SHORT);
             DeviceEmulatorServer server = DeviceEmulatorServer.start(new TinyRouter(), USER, PASSWORD, dir.resolve("k"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> connector.connect(Fixture.target(server, secret)));
            assertTrue(e.getMessage().startsWith("cannot check the host key of 127.0.0.1:" + server.port()
                    + ": known-hosts file " + knownHosts + " cannot be read ("), e.getMessage());
            assertEquals(List.of(), server.received());
        }
    }
}
