package net.dtm.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/**
 * A {@link TunnelIntent} as one line of {@code key=value} text, the form the journal and the
 * history store so a later rollback can rebuild the exact intent. Addresses are literals (never
 * resolved through DNS); the WireGuard private key itself is never written, only its file.
 *
 * <pre>v=1 name=dtm0 role=device type=vxlan local=192.0.2.10 remote=198.51.100.1 port=4789 key=100
 * inner=10.64.0.5 prefix=16 peer=10.64.0.1 routes=10.0.0.0/8 mtu=1400 keepalive=0</pre>
 */
public final class IntentCodec {

    private IntentCodec() {
    }

    /** The intent as one line. */
    public static String encode(TunnelIntent intent) {
        KeyValueLine line = KeyValueLine.create()
                .put("v", TunnelIntent.VERSION)
                .put("name", intent.name())
                .put("role", intent.role().name().toLowerCase(Locale.ROOT))
                .put("type", intent.type().name().toLowerCase(Locale.ROOT))
                .put("local", Cidr.format(intent.localOuter()))
                .put("remote", host(intent.remoteOuter()))
                .put("port", intent.remoteOuter().getPort())
                .put("key", intent.key())
                .put("inner", Cidr.format(intent.innerAddress()))
                .put("prefix", intent.prefixLength())
                .put("peer", Cidr.format(intent.peerInner()))
                .putList("routes", intent.routes().stream().map(Cidr::toString).toList())
                .put("mtu", intent.mtu())
                .put("keepalive", intent.persistentKeepaliveSeconds());
        intent.wireGuard().ifPresent(w -> line.put("wg.keyfile", w.privateKeyFile().toString())
                .put("wg.peer", w.peerPublicKey())
                .put("wg.port", w.listenPort()));
        return line.toString();
    }

    /**
     * Rebuilds the intent of a line written by {@link #encode}.
     *
     * @throws IllegalArgumentException saying what is missing or malformed
     */
    public static TunnelIntent decode(String text) {
        KeyValueLine line = KeyValueLine.parse(text);
        int version = line.getInt("v");
        if (version != TunnelIntent.VERSION) {
            throw new IllegalArgumentException("intent version " + version + " is not supported (this is version "
                    + TunnelIntent.VERSION + ")");
        }
        TunnelIntent.Role role = switch (line.get("role")) {
            case "device" -> TunnelIntent.Role.DEVICE;
            case "gateway" -> TunnelIntent.Role.GATEWAY;
            default -> throw new IllegalArgumentException("unknown role '" + line.get("role") + "'");
        };
        TunnelType type = TunnelType.parse(line.get("type"));
        int port = line.getInt("port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
        List<Cidr> routes = new ArrayList<>();
        for (String r : line.getList("routes")) {
            routes.add(Cidr.parse(r));
        }
        Optional<WireGuardKeys> wg = Optional.empty();
        if (line.find("wg.peer").isPresent()) {
            Path keyFile;
            try {
                keyFile = Path.of(line.get("wg.keyfile"));
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("'wg.keyfile' is not a path: " + e.getMessage());
            }
            wg = Optional.of(new WireGuardKeys(keyFile, line.get("wg.peer"), line.getInt("wg.port")));
        }
        return new TunnelIntent(line.get("name"), role, type, address(line, "local"),
                new InetSocketAddress(address(line, "remote"), port), line.getLong("key"), address(line, "inner"),
                line.getInt("prefix"), address(line, "peer"), routes, line.getInt("mtu"), wg, line.getInt("keepalive"));
    }

    /** The host part of an endpoint without resolving it. */
    static String host(InetSocketAddress endpoint) {
        return endpoint.getAddress() != null ? Cidr.format(endpoint.getAddress()) : endpoint.getHostString();
    }

    private static InetAddress address(KeyValueLine line, String key) {
        try {
            return Cidr.parseLiteral(line.get(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + key + "': " + e.getMessage());
        }
    }
}
