package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/**
 * WireGuard built for real at both ends through the adapter: in the kernel where it has WireGuard,
 * otherwise with wireguard-go (this test's machine has no wireguard module). Interface names differ
 * per end because wireguard-go's control sockets ({@code /var/run/wireguard/NAME.sock}) are shared by
 * every namespace. Needs root, wg, ping and either the kernel module or wireguard-go.
 */
class LinuxLiveWireGuardTest {

    @TempDir
    Path keys;
    private final VendorAdapter adapter = new LinuxAdapter();
    private LiveNetwork net;
    private String nameA;
    private String nameB;

    @BeforeEach
    void network() {
        LiveNetwork.assumeAvailable();
        LiveNetwork.assumeInstalled("wg", "ping");
        boolean kernel = Files.isDirectory(Path.of("/sys/module/wireguard"));
        org.junit.jupiter.api.Assumptions.assumeTrue(kernel || ToolLocator.system().find("wireguard-go").isPresent(),
                "the kernel has no wireguard module and wireguard-go is not installed");
        net = LiveNetwork.create();
        long pid = ProcessHandle.current().pid() % 100000;
        nameA = "dwg" + pid + "a";
        nameB = "dwg" + pid + "b";
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    private Path privateKey(String file) throws IOException, TimeoutException {
        String wg = ToolLocator.system().find("wg").orElseThrow();
        CommandRunner.Result r = new ProcessCommandRunner().run(new CommandRunner.Command(List.of(wg, "genkey"), "",
                Duration.ofSeconds(10), Set.of()));
        Path p = keys.resolve(file);
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(p, r.stdout());
        return p;
    }

    private static String publicKey(Path privateKey) throws IOException, TimeoutException {
        String wg = ToolLocator.system().find("wg").orElseThrow();
        return new ProcessCommandRunner().run(new CommandRunner.Command(List.of(wg, "pubkey"), Files.readString(privateKey),
                Duration.ofSeconds(10), Set.of())).stdout().strip();
    }

    @Test
    void wireGuardIsBuiltPingedReadBackChangedInPlaceAndDeleted() throws Exception {
        Path keyA = privateKey("a.key");
        Path keyB = privateKey("b.key");
        TunnelIntent a = Samples.wireGuard(nameA, net.outerA(), net.outerB(), 51821, "10.210.0.1", 30, "10.210.0.2", 1380, keyA,
                publicKey(keyB), 51820, 25, "10.211.0.0/16");
        TunnelIntent b = Samples.wireGuard(nameB, net.outerB(), net.outerA(), 51820, "10.210.0.2", 30, "10.210.0.1", 1380, keyB,
                publicKey(keyA), 51821, 0);
        TunnelInterfaceBehaviour tunnels = Render.tunnels(adapter);
        WireGuardPeerBehaviour peer = adapter.behaviour(WireGuardPeerBehaviour.class).orElseThrow();
        try (ConfigSession sa = adapter.open(LiveNetwork.target(net.nsA)); ConfigSession sb = adapter.open(LiveNetwork.target(net.nsB))) {
            assertEquals(List.of(), tunnels.validate(a));
            assertEquals(List.of(), sa.check(a));
            assertEquals(List.of(), sb.check(b));

            // B first: A keeps the tunnel alive, so its first handshake goes out as soon as it is configured.
            sb.apply(Render.build(adapter, b));
            sa.apply(Render.build(adapter, a));
            assertEquals(Optional.of(Samples.asRead(a)), sa.read(nameA, TunnelIntent.Role.DEVICE));
            assertEquals(Optional.of(Samples.asRead(b)), sb.read(nameB, TunnelIntent.Role.DEVICE),
                    "without routes the peer inner address comes from the allowed IPs");
            assertEquals(List.of(nameA), sa.list("dwg"));
            assertTrue(sa.probe(a, Duration.ofSeconds(5)), "A reaches B through WireGuard");
            assertTrue(sb.probe(b, Duration.ofSeconds(5)));

            // A stray peer is replaced by the next setPeer; a peer change is done in place.
            assertEquals(0, LiveNetwork.inNamespace(net.nsA, "wg", "set", nameA, "peer", Samples.OTHER_KEY, "allowed-ips",
                    "10.99.0.0/16").exitCode());
            assertEquals(String.join(",", new java.util.TreeSet<>(List.of(publicKey(keyB), Samples.OTHER_KEY))),
                    sa.read(nameA, TunnelIntent.Role.DEVICE).orElseThrow().wireGuard().orElseThrow().peerPublicKey(),
                    "both peers, sorted (wg lists them in hash order)");
            TunnelIntent quieter = new TunnelIntent(a.name(), a.role(), a.type(), a.localOuter(), a.remoteOuter(), 0, a.innerAddress(),
                    a.prefixLength(), a.peerInner(), a.routes(), a.mtu(), a.wireGuard(), 0);
            assertFalse(tunnels.recreates(quieter, a));
            sa.apply(peer.setPeer(quieter));
            assertEquals(Optional.of(Samples.asRead(quieter)), sa.read(nameA, TunnelIntent.Role.DEVICE));
            assertTrue(sa.probe(quieter, Duration.ofSeconds(5)));

            sa.apply(tunnels.delete(nameA));
            assertEquals(Optional.empty(), sa.read(nameA, TunnelIntent.Role.DEVICE));
            assertEquals(List.of(), LiveNetwork.wireguardGo(net.nsA, nameA), "no wireguard-go left for a deleted interface");
            assertFalse(sb.probe(b, Duration.ofSeconds(1)));
        }
    }
}
