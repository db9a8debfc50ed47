package net.dtm.vendor.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/** Recorded tool outputs (src/test/resources/.../samples) and the intents they correspond to. */
final class Samples {

    /** Public keys used by the samples (made with wg genkey | wg pubkey; the private keys were thrown away). */
    static final String PEER_KEY = "3fJFaTtEIiMAbQMB1HsrrNFyjRtxs95Ahw7CHKUjwEI=";
    static final String OTHER_KEY = "16jXWavNZjRo3OySGFURQeMPh/iii0Z5BxycCRY3Pkk=";

    private Samples() {
    }

    /** The text of sample {@code name}. */
    static String text(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InetAddress ip(String literal) {
        return Cidr.parseLiteral(literal);
    }

    static InetSocketAddress endpoint(String literal, int port) {
        return new InetSocketAddress(ip(literal), port);
    }

    static List<Cidr> cidrs(String... prefixes) {
        return java.util.Arrays.stream(prefixes).map(Cidr::parse).toList();
    }

    /** A non-WireGuard intent. */
    static TunnelIntent intent(String name, TunnelType type, String local, String remote, int port, long key, String inner,
                               int prefix, String peer, int mtu, String... routes) {
        return new TunnelIntent(name, TunnelIntent.Role.DEVICE, type, ip(local), endpoint(remote, port), key, ip(inner), prefix,
                ip(peer), cidrs(routes), mtu, Optional.empty(), 0);
    }

    /** A WireGuard intent. */
    static TunnelIntent wireGuard(String name, String local, String remote, int port, String inner, int prefix, String peer,
                                  int mtu, Path privateKey, String peerKey, int listenPort, int keepalive, String... routes) {
        return new TunnelIntent(name, TunnelIntent.Role.DEVICE, TunnelType.WIREGUARD, ip(local), endpoint(remote, port), 0,
                ip(inner), prefix, ip(peer), cidrs(routes), mtu, Optional.of(new WireGuardKeys(privateKey, peerKey, listenPort)),
                keepalive);
    }

    /** {@code intent} with the private key file as read() returns it (it cannot be read back). */
    static TunnelIntent asRead(TunnelIntent intent) {
        return new TunnelIntent(intent.name(), intent.role(), intent.type(), intent.localOuter(), intent.remoteOuter(), intent.key(),
                intent.innerAddress(), intent.prefixLength(), intent.peerInner(), intent.routes(), intent.mtu(),
                intent.wireGuard().map(k -> new WireGuardKeys(Path.of(""), k.peerPublicKey(), k.listenPort())),
                intent.persistentKeepaliveSeconds());
    }
}
