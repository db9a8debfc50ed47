package net.dtm.vendor.huaweivrp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import net.dtm.config.ssh.MinaSshConnector;
import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.config.ssh.testkit.ManualClock;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.vendor.huaweivrp.emulator.VrpEmulator;

/**
 * The VRP emulator behind a real SSH server on 127.0.0.1, and a real {@link MinaSshConnector}
 * (its own known-hosts file) for the adapter: what the adapter meets is an SSH login and a terminal.
 */
final class EmulatedVrp implements AutoCloseable {

    static final String USER = "dtm";
    private static final String PASSWORD = "vrp-test-password";

    final ManualClock clock = new ManualClock();
    final VrpEmulator device = new VrpEmulator(clock, USER);
    final MinaSshConnector connector;
    final HuaweiVrpAdapter adapter;
    private final Path dir;
    private final Path secret;
    DeviceEmulatorServer server;

    EmulatedVrp() {
        try {
            dir = Files.createTempDirectory("dtm-vrp-");
            secret = dir.resolve("vrp.secret");
            Files.writeString(secret, PASSWORD + "\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = DeviceEmulatorServer.start(device, USER, PASSWORD, dir.resolve("host.key"));
        connector = new MinaSshConnector(dir.resolve("known_hosts"), DeviceEmulatorServer.CLIENT_CONNECT_TIMEOUT,
                Duration.ofSeconds(10));
        adapter = new HuaweiVrpAdapter(connector);
    }

    /** The device as a target, with {@code options}. */
    DeviceTarget target(Map<String, String> options) {
        return new DeviceTarget(HuaweiVrpAdapter.VENDOR, "", "", server.host(), server.port(), USER, Optional.of(secret), options);
    }

    DeviceTarget target() {
        return target(Map.of());
    }

    /** The device is replaced at the same address: same configuration, another host key. */
    void replaceHostKey() {
        int port = server.port();
        server.close();
        server = DeviceEmulatorServer.start(device, USER, PASSWORD, dir.resolve("other-host.key"), port);
    }

    @Override
    public void close() {
        connector.close();
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
