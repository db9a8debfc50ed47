package net.dtm.vendor.linux;

import java.util.ArrayList;
import java.util.List;

import net.dtm.api.Cidr;
import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/** The lines a core would send to build an intent from nothing, asked of the adapter's behaviours by type. */
final class Render {

    private Render() {
    }

    static TunnelInterfaceBehaviour tunnels(VendorAdapter a) {
        return a.behaviour(TunnelInterfaceBehaviour.class).orElseThrow();
    }

    /** Interface (with the WireGuard peer), MTU, address, routes. */
    static List<String> build(VendorAdapter a, TunnelIntent t) {
        List<String> lines = new ArrayList<>(tunnels(a).create(t));
        lines.addAll(settings(a, t));
        return lines;
    }

    /** What a re-created interface needs again: MTU, address, routes. */
    static List<String> settings(VendorAdapter a, TunnelIntent t) {
        List<String> lines = new ArrayList<>();
        lines.addAll(a.behaviour(LinkSettingsBehaviour.class).orElseThrow().setMtu(t.name(), t.mtu()));
        lines.addAll(a.behaviour(AddressingBehaviour.class).orElseThrow().addAddress(t.name(), t.innerAddress(), t.prefixLength()));
        RouteBehaviour routes = a.behaviour(RouteBehaviour.class).orElseThrow();
        for (Cidr r : t.routes()) {
            lines.addAll(routes.addRoute(t.name(), r, t.peerInner()));
        }
        return lines;
    }
}
