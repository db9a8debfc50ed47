package net.dtm.vendor.ciscoios;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import net.dtm.config.ssh.MinaSshConnector;
import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.config.ssh.testkit.ManualClock;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.vendor.ciscoios.emulator.IosDevice;

/**
 * An emulated IOS router behind a real SSH server on 127.0.0.1, and DTM's real SSH connector
 * pinning its host key: the adapter under test talks to it exactly as to a device.
 */
final class IosLab implements AutoCloseable {

    static final String HOSTNAME = "edge-router-with-a-rather-long-hostname-01";
    static final String OUTER = "192.0.2.1";
    static final String USER = "dtm";
    private static final String PASSWORD = "s3cret-not-in-logs";

    final Path dir;
    final ManualClock clock = new ManualClock();
    final IosDevice device = new IosDevice(HOSTNAME, OUTER, clock);
    final MinaSshConnector connector;
    final Path secret;
    DeviceEmulatorServer server;

    IosLab(Path dir) {
        this.dir = dir;
        try {
            secret = dir.resolve("device.secret");
            Files.writeString(secret, PASSWORD + "\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = DeviceEmulatorServer.start(device, USER, PASSWORD, dir.resolve("host-key-1"));
        connector = new MinaSshConnector(dir.resolve("known_hosts"), DeviceEmulatorServer.CLIENT_CONNECT_TIMEOUT,
                Duration.ofSeconds(10));
    }

    /** The device as the core sees it. */
    DeviceTarget target() {
        return target(Map.of());
    }

    DeviceTarget target(Map<String, String> options) {
        return new DeviceTarget(CiscoIosAdapter.VENDOR, "ISR4331", "17.9.4", server.host(), server.port(), USER,
                Optional.of(secret), options);
    }

    CiscoIosAdapter adapter() {
        return new CiscoIosAdapter(connector);
    }

    /** Restarts the server on the same port with another host key: the device was replaced. */
    void replaceHostKey() {
        int port = server.port();
        server.close();
        server = DeviceEmulatorServer.start(device, USER, PASSWORD, dir.resolve("host-key-2"), port);
    }

    @Override
    public void close() {
        server.close();
        connector.close();
    }
}
