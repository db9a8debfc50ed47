package net.dtm.vendor.mikrotik;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.config.ssh.MinaSshConnector;
import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.vendor.mikrotik.emulator.RouterOsEmulator;

/**
 * One emulated RouterOS router behind a real SSH server, and a real SSH connector pinning its host
 * key. The server accepts only {@code admin} with {@link MikrotikAdapter#DEFAULT_LOGIN_SUFFIX}: the adapter must add RouterOS's login flags.
 */
final class Lab implements AutoCloseable {

    static final String PASSWORD = "s3cret-not-logged";

    final Path dir;
    final RouterOsEmulator device = new RouterOsEmulator();
    final DeviceEmulatorServer server;
    final MinaSshConnector connector;
    final Path secret;

    Lab(Path dir) {
        this(dir, "host-key");
    }

    Lab(Path dir, String hostKey) {
        this.dir = dir;
        try {
            secret = dir.resolve("secret");
            if (!Files.exists(secret)) {
                Files.writeString(secret, PASSWORD + "\n");
                Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = DeviceEmulatorServer.start(device, "admin" + MikrotikAdapter.DEFAULT_LOGIN_SUFFIX, PASSWORD,
                dir.resolve(hostKey));
        connector = new MinaSshConnector(dir.resolve("known_hosts"), DeviceEmulatorServer.CLIENT_CONNECT_TIMEOUT,
                Duration.ofSeconds(10));
    }

    MikrotikAdapter adapter() {
        return new MikrotikAdapter(connector);
    }

    DeviceTarget target() {
        return new DeviceTarget(MikrotikAdapter.VENDOR, "CCR2004-1G-12S+2XS", "7.16.1", server.host(), server.port(),
                "admin", Optional.of(secret), Map.of(MikrotikAdapter.OPTION_TIMEOUT, "10"));
    }

    /** Lines received that change the configuration. */
    List<String> changesReceived() {
        return server.received().stream().filter(l -> l.matches(".* (add|set|remove) .*")).toList();
    }

    @Override
    public void close() {
        connector.close();
        server.close();
    }

    static TunnelIntent sample(TunnelType type) {
        return sample("dtmc0", type);
    }

    static TunnelIntent sample(String name, TunnelType type) {
        int port = type == TunnelType.VXLAN ? 4789 : 0;
        long key = type == TunnelType.VXLAN ? 4711 : 0;
        return new TunnelIntent(name, TunnelIntent.Role.DEVICE, type, ip("192.0.2.1"),
                new InetSocketAddress(ip("198.51.100.2"), port), key, ip("10.220.0.1"), 30, ip("10.220.0.2"),
                List.of(Cidr.parse("10.221.0.0/16")), 1400, Optional.empty(), 0);
    }

    static InetAddress ip(String text) {
        return Cidr.parseLiteral(text);
    }
}
