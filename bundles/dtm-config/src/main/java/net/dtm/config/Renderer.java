package net.dtm.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/**
 * Turns a diff into the ordered commands of one adapter, asking its behaviours for every line; the
 * core never writes a device command itself.
 * <ul>
 * <li>absent → create, MTU, address, WireGuard peer, one route each;</li>
 * <li>type, outer endpoints or key differ and the update re-creates the interface → the update,
 * then MTU, address, peer and routes again;</li>
 * <li>otherwise only what changed: update (in place), MTU, removed routes, address (remove then
 * add, with every route taken off before and put back after, since the next hop hangs on it),
 * peer (its allowed IPs carry the routes), added routes;</li>
 * <li>wanted absent → delete.</li>
 * </ul>
 * Rolling back is the same call with the snapshot as the target: {@link #rollback}.
 */
public final class Renderer {

    private final String vendor;
    private final TunnelInterfaceBehaviour tunnel;
    private final AddressingBehaviour addressing;
    private final RouteBehaviour routing;
    private final LinkSettingsBehaviour link;
    private final Optional<WireGuardPeerBehaviour> wireGuard;

    /**
     * The renderer of {@code adapter}.
     *
     * @throws IllegalArgumentException if the adapter lacks a behaviour every adapter must offer
     */
    public Renderer(VendorAdapter adapter) {
        this.vendor = adapter.vendor();
        this.tunnel = require(adapter, TunnelInterfaceBehaviour.class);
        this.addressing = require(adapter, AddressingBehaviour.class);
        this.routing = require(adapter, RouteBehaviour.class);
        this.link = require(adapter, LinkSettingsBehaviour.class);
        this.wireGuard = adapter.behaviour(WireGuardPeerBehaviour.class);
    }

    /**
     * The commands that turn {@code running} into {@code wanted}; {@code diff} must be
     * {@code IntentDiff.between(running, wanted)}. Empty when the diff is.
     */
    public List<String> render(Optional<TunnelIntent> wanted, Optional<TunnelIntent> running, IntentDiff diff) {
        List<String> out = new ArrayList<>();
        if (diff.isEmpty()) {
            return out;
        }
        if (wanted.isEmpty()) {
            running.ifPresent(r -> out.addAll(tunnel.delete(r.name())));
            return out;
        }
        TunnelIntent w = wanted.get();
        if (running.isEmpty()) {
            out.addAll(tunnel.create(w));
            addAll(out, w);
            return out;
        }
        TunnelIntent r = running.get();
        if (diff.touchesInterface()) {
            boolean recreates = tunnel.recreates(w, r);
            out.addAll(tunnel.update(w, r));
            if (recreates) {
                addAll(out, w);
                return out;
            }
        }
        if (diff.has(IntentDiff.MTU)) {
            out.addAll(link.setMtu(w.name(), w.mtu()));
        }
        boolean readdressed = diff.has(IntentDiff.INNER);
        boolean rerouted = readdressed || diff.has(IntentDiff.PEER_INNER);
        for (Cidr route : r.routes()) {
            if (rerouted || !w.routes().contains(route)) {
                out.addAll(routing.removeRoute(w.name(), route));
            }
        }
        if (readdressed) {
            out.addAll(addressing.removeAddress(w.name(), r.innerAddress(), r.prefixLength()));
            out.addAll(addressing.addAddress(w.name(), w.innerAddress(), w.prefixLength()));
        }
        if (w.type() == TunnelType.WIREGUARD && (diff.has(IntentDiff.WG_PEER) || diff.has(IntentDiff.WG_PORT)
                || diff.has(IntentDiff.KEEPALIVE) || diff.has(IntentDiff.ROUTE) || rerouted
                || diff.touchesInterface())) {
            out.addAll(peer(w));
        }
        for (Cidr route : w.routes()) {
            if (rerouted || !r.routes().contains(route)) {
                out.addAll(routing.addRoute(w.name(), route, w.peerInner()));
            }
        }
        return out;
    }

    /** The commands that bring {@code current} back to {@code snapshot} (absent snapshot: delete). */
    public List<String> rollback(Optional<TunnelIntent> snapshot, Optional<TunnelIntent> current) {
        return render(snapshot, current, IntentDiff.between(current, snapshot));
    }

    private void addAll(List<String> out, TunnelIntent w) {
        out.addAll(link.setMtu(w.name(), w.mtu()));
        out.addAll(addressing.addAddress(w.name(), w.innerAddress(), w.prefixLength()));
        if (w.type() == TunnelType.WIREGUARD) {
            out.addAll(peer(w));
        }
        for (Cidr route : w.routes()) {
            out.addAll(routing.addRoute(w.name(), route, w.peerInner()));
        }
    }

    private List<String> peer(TunnelIntent w) {
        return wireGuard.orElseThrow(() -> new IllegalStateException("adapter " + vendor + " does not support wireguard"))
                .setPeer(w);
    }

    private static <B extends Behaviour> B require(VendorAdapter adapter, Class<B> type) {
        return adapter.behaviour(type).orElseThrow(() -> new IllegalArgumentException(
                "adapter " + adapter.vendor() + " lacks the " + type.getSimpleName() + " every adapter must offer"));
    }
}
