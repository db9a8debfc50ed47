package net.dtm.vendor.linux;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.Cidr;

/**
 * The running state of a WireGuard interface as {@code wg show NAME dump} prints it, without the
 * private key (the first field of the dump, dropped while parsing and never kept).
 *
 * @param listenPort the port the interface listens on (the kernel's choice when it was set to 0)
 * @param peers      its peers, in the order {@code wg} lists them
 */
record WireGuardState(int listenPort, List<Peer> peers) {

    WireGuardState {
        peers = List.copyOf(peers);
    }

    /**
     * One peer.
     *
     * @param publicKey          base64 public key
     * @param endpoint           its endpoint, empty when none is known
     * @param allowedIps         its allowed IPs
     * @param persistentKeepalive seconds, 0 = off
     */
    record Peer(String publicKey, Optional<InetSocketAddress> endpoint, List<Cidr> allowedIps, int persistentKeepalive) {
        Peer {
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(endpoint, "endpoint");
            allowedIps = List.copyOf(allowedIps);
        }
    }

    /**
     * Parses {@code wg show NAME dump}: a first line {@code private-key public-key listen-port fwmark},
     * then one line per peer {@code public-key preshared-key endpoint allowed-ips latest-handshake
     * transfer-rx transfer-tx persistent-keepalive}, fields separated by tabs.
     *
     * @throws JsonFields.UnexpectedOutputException if the dump does not have that shape; the message
     *                                             never quotes the first line, which holds the private key
     */
    static WireGuardState parseDump(String dump, String source) {
        List<String> lines = dump.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new JsonFields.UnexpectedOutputException(source + " printed nothing");
        }
        String[] head = lines.get(0).split("\t", -1);
        if (head.length != 4) {
            throw new JsonFields.UnexpectedOutputException(source + ": the interface line has " + head.length
                    + " fields, expected 4");
        }
        int listenPort = parseInt(head[2], "listen port", source);
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length != 8) {
                throw new JsonFields.UnexpectedOutputException(source + ": peer line " + i + " has " + f.length
                        + " fields, expected 8");
            }
            Optional<InetSocketAddress> endpoint = "(none)".equals(f[2]) ? Optional.empty()
                    : Optional.of(IpSyntax.parseEndpoint(f[2], source));
            List<Cidr> allowed = new ArrayList<>();
            if (!"(none)".equals(f[3]) && !f[3].isEmpty()) {
                for (String p : f[3].split(",")) {
                    allowed.add(IpSyntax.parsePrefix(p.strip(), p.contains(":"), source));
                }
            }
            int keepalive = "off".equals(f[7]) ? 0 : parseInt(f[7], "persistent keepalive", source);
            peers.add(new Peer(f[0], endpoint, allowed, keepalive));
        }
        return new WireGuardState(listenPort, peers);
    }

    private static int parseInt(String text, String what, String source) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new JsonFields.UnexpectedOutputException(source + ": " + what + " '" + text + "' is not a number");
        }
    }
}
