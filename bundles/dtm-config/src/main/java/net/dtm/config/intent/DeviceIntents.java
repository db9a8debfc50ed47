package net.dtm.config.intent;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/**
 * The router's tunnel intent from the agent's tunnel events: the tunnel interface {@code name}
 * toward the server's endpoint, from the carrying link's address, with the inner address and the
 * parameters the server handed out, and the operator's routes into the tunnel.
 *
 * @param name              interface name on the router, e.g. {@code dtm0}
 * @param routes            prefixes routed into the tunnel via the gateway (e.g. the carrier's core)
 * @param wireGuardKeyFile  the router's WireGuard private key file (the agent's {@code wireguard.key.file})
 */
public record DeviceIntents(String name, List<Cidr> routes, Path wireGuardKeyFile) {

    public DeviceIntents {
        Objects.requireNonNull(name, "name");
        routes = List.copyOf(routes);
        Objects.requireNonNull(wireGuardKeyFile, "wireGuardKeyFile");
    }

    /**
     * The intent after {@code event}, or empty when the event leaves the tunnel as it is (RELEASED
     * and LOST: a new tunnel follows at once and replaces it in one change, so traffic is not cut
     * twice) or when no link is usable yet.
     */
    public Optional<TunnelIntent> after(TunnelEvent event) {
        if (event.parameters().isEmpty() || event.path().isEmpty()) {
            return Optional.empty();
        }
        return switch (event.type()) {
            case ESTABLISHED, PARAMETERS_CHANGED, PATH_MOVED ->
                    Optional.of(intent(event.parameters().get(), event.path().get().localAddress()));
            case RELEASED, LOST -> Optional.empty();
        };
    }

    /** The intent for {@code p} with outer packets leaving from {@code local}. */
    public TunnelIntent intent(TunnelParameters p, InetSocketAddress local) {
        Optional<WireGuardKeys> wg = p.type() == TunnelType.WIREGUARD
                ? Optional.of(new WireGuardKeys(wireGuardKeyFile, p.serverPublicKey(), 0))
                : Optional.empty();
        return new TunnelIntent(name, TunnelIntent.Role.DEVICE, p.type(), local.getAddress(), p.serverEndpoint(),
                p.tunnelKey(), p.innerAddress(), p.prefixLength(), p.gateway(), routes, p.mtu(), wg,
                p.type() == TunnelType.WIREGUARD ? p.keepaliveSeconds() : 0);
    }
}
