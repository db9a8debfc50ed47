package net.dtm.vendor.openwrt;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import net.dtm.config.ssh.testkit.ManualClock;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.vendor.openwrt.emulator.OpenWrtEmulator;

/** An emulated OpenWrt router behind a real SSH server, and the adapter over the real SSH connector. */
final class OpenWrtLab implements AutoCloseable {

    static final String USER = "root";
    static final String PASSWORD = "emulated-router-pw";

    final ManualClock clock = new ManualClock();
    final OpenWrtEmulator device = new OpenWrtEmulator(clock);
    final Path dir;
    DeviceEmulatorServer server;
    final MinaSshConnector connector;
    final OpenWrtAdapter adapter;
    private final Path secret;

    OpenWrtLab(Path dir) {
        this.dir = dir;
        try {
            secret = dir.resolve("router.secret");
            Files.writeString(secret, PASSWORD + "\n");
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = DeviceEmulatorServer.start(device, USER, PASSWORD, dir.resolve("host-key-a"));
        connector = new MinaSshConnector(dir.resolve("known_hosts"), DeviceEmulatorServer.CLIENT_CONNECT_TIMEOUT,
                Duration.ofSeconds(10));
        adapter = new OpenWrtAdapter(connector, Duration.ofSeconds(10), Duration.ofMillis(300));
    }

    DeviceTarget target() {
        return new DeviceTarget(OpenWrtAdapter.VENDOR, "x86_64", "23.05.3", server.host(), server.port(), USER,
                Optional.of(secret), Map.of());
    }

    /** Replaces the device's SSH server by one with another host key, on the same port. */
    void replaceHostKey() {
        int port = server.port();
        server.close();
        server = DeviceEmulatorServer.start(device, USER, PASSWORD, dir.resolve("host-key-b"), port);
    }

    static TunnelIntent sample() {
        return new TunnelIntent("dtm0", TunnelIntent.Role.DEVICE, TunnelType.VXLAN, Cidr.parseLiteral("192.0.2.10"),
                new InetSocketAddress(Cidr.parseLiteral("198.51.100.1"), 4789), 4242, Cidr.parseLiteral("10.99.0.1"), 30,
                Cidr.parseLiteral("10.99.0.2"), List.of(Cidr.parse("10.200.0.0/16")), 1400, Optional.empty(), 0);
    }

    /** The sample as {@code type}: GRE with a key, IPIP without. */
    static TunnelIntent sample(TunnelType type) {
        TunnelIntent s = sample();
        long key = switch (type) {
            case VXLAN -> s.key();
            case GRE -> 77;
            default -> 0;
        };
        return new TunnelIntent(s.name(), s.role(), type, s.localOuter(), s.remoteOuter(), key, s.innerAddress(),
                s.prefixLength(), s.peerInner(), s.routes(), s.mtu(), s.wireGuard(), 0);
    }

    static TunnelIntent sample6() {
        return new TunnelIntent("dtm6", TunnelIntent.Role.GATEWAY, TunnelType.VXLAN, Cidr.parseLiteral("2001:db8:10::10"),
                new InetSocketAddress(Cidr.parseLiteral("2001:db8:99::1"), 4790), 77, Cidr.parseLiteral("fd00:99::1"), 64,
                Cidr.parseLiteral("fd00:99::2"), List.of(Cidr.parse("2001:db8:200::/48"), Cidr.parse("10.1.0.0/16")), 1380,
                Optional.empty(), 0);
    }

    @Override
    public void close() {
        connector.close();
        server.close();
    }
}
