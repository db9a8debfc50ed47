package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.TunnelType;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

class RendererTest {

    private final FakeAdapter adapter = new FakeAdapter(new FakeDevice());
    private final Renderer renderer = new Renderer(adapter);
    private final TunnelIntent v = Samples.routes(Samples.vxlan(), "10.0.0.0/8", "172.16.0.0/12");

    @Test
    void absentIsCreatedThenMtuAddressAndEachRoute() {
        assertEquals(List.of(
                "link add dtm0 type=vxlan local=192.0.2.10 remote=198.51.100.1 port=4789 key=100",
                "link mtu dtm0 mtu=1400",
                "addr add dtm0 address=10.64.0.5/16",
                "route add dtm0 prefix=10.0.0.0/8 via=10.64.0.1",
                "route add dtm0 prefix=172.16.0.0/12 via=10.64.0.1"), render(v, Optional.empty()));
    }

    @Test
    void wireGuardPeerIsSetAfterTheAddressAndBeforeRoutes() {
        TunnelIntent wg = Samples.of(TunnelType.WIREGUARD, "dtm0");
        List<String> c = render(wg, Optional.empty());
        assertEquals(5, c.size(), c.toString());
        assertEquals("addr add dtm0 address=10.64.0.5/16", c.get(2));
        assertEquals("wg set dtm0 key-file=/etc/dtm/wg-dtm0.key peer=" + Samples.PEER_KEY
                + " listen-port=51821 keepalive=25 allowed=10.64.0.1/32,10.0.0.0/8", c.get(3));
        assertEquals("route add dtm0 prefix=10.0.0.0/8 via=10.64.0.1", c.get(4));
    }

    @Test
    void inSyncRendersNothing() {
        assertEquals(List.of(), render(v, Optional.of(v)));
    }

    @Test
    void onlyTheMtuChanges() {
        assertEquals(List.of("link mtu dtm0 mtu=1300"), render(v.withMtu(1300), Optional.of(v)));
    }

    @Test
    void routesAreRemovedBeforeOthersAreAdded() {
        TunnelIntent wanted = Samples.routes(v, "10.0.0.0/8", "192.168.0.0/16");
        assertEquals(List.of("route del dtm0 prefix=172.16.0.0/12", "route add dtm0 prefix=192.168.0.0/16 via=10.64.0.1"),
                render(wanted, Optional.of(v)));
    }

    @Test
    void newInnerAddressTakesEveryRouteOffAndPutsItBack() {
        TunnelIntent wanted = Samples.inner(v, "10.65.0.5", 16, "10.65.0.1");
        assertEquals(List.of(
                "route del dtm0 prefix=10.0.0.0/8",
                "route del dtm0 prefix=172.16.0.0/12",
                "addr del dtm0 address=10.64.0.5/16",
                "addr add dtm0 address=10.65.0.5/16",
                "route add dtm0 prefix=10.0.0.0/8 via=10.65.0.1",
                "route add dtm0 prefix=172.16.0.0/12 via=10.65.0.1"), render(wanted, Optional.of(v)));
    }

    @Test
    void newKeyIsAnInPlaceUpdate() {
        assertEquals(List.of("link set dtm0 local=192.0.2.10 remote=198.51.100.1 port=4789 key=101"),
                render(Samples.key(v, 101), Optional.of(v)));
    }

    @Test
    void typeChangeRecreatesAndReaddsEverything() {
        TunnelIntent gre = Samples.routes(Samples.of(TunnelType.GRE, "dtm0"), "10.0.0.0/8", "172.16.0.0/12");
        assertEquals(List.of(
                "link del dtm0",
                "link add dtm0 type=gre local=192.0.2.10 remote=198.51.100.1 port=4789 key=7",
                "link mtu dtm0 mtu=1400",
                "addr add dtm0 address=10.64.0.5/16",
                "route add dtm0 prefix=10.0.0.0/8 via=10.64.0.1",
                "route add dtm0 prefix=172.16.0.0/12 via=10.64.0.1"), render(gre, Optional.of(v)));
    }

    @Test
    void wireGuardRouteChangeAlsoResetsThePeersAllowedIps() {
        TunnelIntent wg = Samples.of(TunnelType.WIREGUARD, "dtm0");
        TunnelIntent more = Samples.routes(wg, "10.0.0.0/8", "172.16.0.0/12");
        List<String> c = render(more, Optional.of(wg));
        assertEquals(2, c.size(), c.toString());
        assertEquals(true, c.get(0).startsWith("wg set dtm0 ") && c.get(0).endsWith("allowed=10.64.0.1/32,10.0.0.0/8,172.16.0.0/12"));
        assertEquals("route add dtm0 prefix=172.16.0.0/12 via=10.64.0.1", c.get(1));
    }

    @Test
    void removalDeletes() {
        assertEquals(List.of("link del dtm0"), render(Optional.empty(), Optional.of(v)));
        assertEquals(List.of(), render(Optional.empty(), Optional.empty()));
    }

    @Test
    void rollbackIsTheInverse() {
        TunnelIntent changed = Samples.routes(v.withMtu(1300), "10.0.0.0/8");
        assertEquals(List.of("link mtu dtm0 mtu=1400", "route add dtm0 prefix=172.16.0.0/12 via=10.64.0.1"),
                renderer.rollback(Optional.of(v), Optional.of(changed)));
        assertEquals(List.of("link del dtm0"), renderer.rollback(Optional.empty(), Optional.of(v)));
        assertEquals(render(v, Optional.empty()), renderer.rollback(Optional.of(v), Optional.empty()));
    }

    @Test
    void renderingIsDeterministic() {
        assertEquals(render(v, Optional.empty()), render(v, Optional.empty()));
    }

    @Test
    void anAdapterWithoutARequiredBehaviourCannotRender() {
        VendorAdapter partial = new VendorAdapter() {
            @Override
            public String vendor() {
                return "partial";
            }

            @Override
            public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
                return type == RouteBehaviour.class ? Optional.empty() : adapter.behaviour(type);
            }

            @Override
            public ConfigSession open(DeviceTarget target) throws ConfigException {
                throw new ConfigException("never opened", false);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Renderer(partial));
        assertEquals("adapter partial lacks the RouteBehaviour every adapter must offer", e.getMessage());
    }

    private List<String> render(TunnelIntent wanted, Optional<TunnelIntent> running) {
        return render(Optional.of(wanted), running);
    }

    private List<String> render(Optional<TunnelIntent> wanted, Optional<TunnelIntent> running) {
        return renderer.render(wanted, running, IntentDiff.between(running, wanted));
    }
}
