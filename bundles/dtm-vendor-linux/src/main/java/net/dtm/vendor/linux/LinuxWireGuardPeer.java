package net.dtm.vendor.linux;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/**
 * The WireGuard peer, two lines:
 * <pre>
 * ip link set dev NAME alias dtm:local=L,listen-port=P
 * wg set NAME private-key FILE [listen-port P] peer PUB endpoint R:P allowed-ips PEER/32,ROUTE... persistent-keepalive K|off
 * </pre>
 * The alias keeps what WireGuard cannot report ({@link WireGuardAlias}). A listen port of 0 is left
 * out, so the port the kernel chose when the interface came up does not change on every apply.
 * {@code wg set} adds or updates one peer but keeps any other; the session makes this line replace
 * them: before running it, it lists the interface's peers and removes every other one in the same
 * {@code wg} call ({@link BatchApplier}).
 */
final class LinuxWireGuardPeer implements WireGuardPeerBehaviour {

    @Override
    public List<String> setPeer(TunnelIntent intent) {
        WireGuardKeys keys = intent.wireGuard().orElseThrow(() -> new IllegalArgumentException(
                "intent " + intent.name() + " has no WireGuard keys"));
        List<String> lines = new ArrayList<>();
        lines.add("ip link set dev " + intent.name() + " alias " + WireGuardAlias.of(intent).render());
        StringBuilder wg = new StringBuilder("wg set ").append(intent.name())
                .append(" private-key ").append(keys.privateKeyFile());
        if (keys.listenPort() != 0) {
            wg.append(" listen-port ").append(keys.listenPort());
        }
        wg.append(" peer ").append(keys.peerPublicKey())
                .append(" endpoint ").append(IpSyntax.endpoint(intent.remoteOuter()));
        List<String> allowed = allowedIps(intent);
        if (!allowed.isEmpty()) {
            wg.append(" allowed-ips ").append(String.join(",", allowed));
        }
        wg.append(" persistent-keepalive ")
                .append(intent.persistentKeepaliveSeconds() == 0 ? "off" : Integer.toString(intent.persistentKeepaliveSeconds()));
        lines.add(wg.toString());
        return lines;
    }

    /** The peer's inner address as a host prefix, then the routes. */
    static List<String> allowedIps(TunnelIntent intent) {
        Set<String> allowed = new LinkedHashSet<>();
        if (!intent.peerInner().isAnyLocalAddress()) {
            allowed.add(IpSyntax.hostPrefix(intent.peerInner()).toString());
        }
        for (Cidr route : intent.routes()) {
            allowed.add(route.toString());
        }
        return List.copyOf(allowed);
    }
}
