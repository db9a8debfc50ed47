package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.fake.ForwardingAdapter;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardKeys;

class IntentValidatorTest {

    private final IntentValidator validator = new IntentValidator();
    private final FakeAdapter adapter = new FakeAdapter(new FakeDevice());
    private final TunnelIntent v = Samples.vxlan();

    @Test
    void samplesOfEveryTypeAreValid() {
        for (TunnelType t : TunnelType.values()) {
            assertEquals(List.of(), validator.validate(Samples.of(t, "dtm0"), adapter), t.name());
        }
        assertEquals(List.of(), validator.validate(Samples.ipv6Gre(), adapter));
    }

    @Test
    void interfaceName() {
        assertProblem(Samples.rename(v, "dtm-abcdefghijk0"),
                "interface name 'dtm-abcdefghijk0' must be 1 to 15 characters of A-Z a-z 0-9 _ . -");
        assertProblem(Samples.rename(v, ""), "interface name '' must be 1 to 15");
        assertProblem(Samples.rename(v, "dtm/0"), "interface name 'dtm/0'");
        assertEquals(List.of(), validator.validate(Samples.rename(v, "dtm-abcdefghijk"), adapter));
    }

    @Test
    void mtuBelowTheMinimumForIpv4AndIpv6() {
        assertProblem(v.withMtu(575), "MTU 575 is below 576, the smallest adapter fake accepts with an IPv4 inner address");
        assertEquals(List.of(), validator.validate(v.withMtu(576), adapter));
        assertProblem(Samples.ipv6Gre().withMtu(1279),
                "MTU 1279 is below 1280, the smallest adapter fake accepts with an IPv6 inner address");
        assertEquals(List.of(), validator.validate(Samples.ipv6Gre().withMtu(1280), adapter));
        assertProblem(v.withMtu(9001), "MTU 9001 is above 9000");
    }

    @Test
    void theAdaptersOwnMinimumMtuCounts() {
        // A wrapper that raises the minimum: everything else from the fake.
        VendorAdapter raised = new DelegatingAdapter(adapter) {
            @Override
            public int minimumMtu(boolean ipv6) {
                return 1300;
            }
        };
        assertProblem(raised, v.withMtu(1280), "MTU 1280 is below 1300, the smallest adapter fake accepts");
        assertEquals(List.of(), validator.validate(v.withMtu(1280), adapter));
    }

    @Test
    void keyRanges() {
        assertProblem(Samples.key(v, 0), "VXLAN network identifier 0 must be 1..16777215");
        assertProblem(Samples.key(v, 1L << 24), "VXLAN network identifier 16777216 must be 1..16777215");
        assertEquals(List.of(), validator.validate(Samples.key(v, (1L << 24) - 1), adapter));
        TunnelIntent gre = Samples.of(TunnelType.GRE, "dtm0");
        assertEquals(List.of(), validator.validate(Samples.key(gre, 0), adapter));
        assertEquals(List.of(), validator.validate(Samples.key(gre, (1L << 32) - 1), adapter));
        assertProblem(Samples.key(gre, 1L << 32), "GRE key 4294967296 must be 0..4294967295");
        assertProblem(Samples.key(gre, -1), "GRE key -1 must be 0..4294967295");
        assertProblem(Samples.key(Samples.of(TunnelType.IPIP, "dtm0"), 3), "ipip takes no key, got 3");
        assertProblem(Samples.key(Samples.of(TunnelType.WIREGUARD, "dtm0"), 3), "wireguard takes no key, got 3");
    }

    @Test
    void outerAddresses() {
        assertProblem(v.withLocalOuter(Cidr.parseLiteral("0.0.0.0")), "local outer 0.0.0.0 is unspecified");
        assertProblem(v.withRemoteOuter(new InetSocketAddress(Cidr.parseLiteral("239.1.1.1"), 4789)),
                "remote outer 239.1.1.1 is a multicast address");
        assertProblem(v.withLocalOuter(Cidr.parseLiteral("2001:db8::1")),
                "local outer 2001:db8::1 and remote outer 198.51.100.1 are of different address families");
        assertProblem(v.withRemoteOuter(new InetSocketAddress(Cidr.parseLiteral("198.51.100.1"), 0)),
                "remote port 0 must be 1..65535 for vxlan");
        assertProblem(v.withRemoteOuter(InetSocketAddress.createUnresolved("gw.example.net", 4789)),
                "remote outer gw.example.net is not an IP address");
        TunnelIntent wg = Samples.of(TunnelType.WIREGUARD, "dtm0");
        assertProblem(wg.withRemoteOuter(new InetSocketAddress(wg.remoteOuter().getAddress(), 0)),
                "remote port 0 must be 1..65535 for wireguard");
        TunnelIntent gre = Samples.of(TunnelType.GRE, "dtm0");
        assertEquals(List.of(), validator.validate(gre.withRemoteOuter(new InetSocketAddress(
                gre.remoteOuter().getAddress(), 0)), adapter));
    }

    @Test
    void prefixLengthAndThePoolsPrefix() {
        assertProblem(Samples.inner(v, "10.64.0.5", 33, "10.64.0.1"),
                "prefix length 33 is invalid for an IPv4 inner address (1..32)");
        assertProblem(Samples.inner(v, "10.64.0.5", 0, "10.64.0.1"), "prefix length 0 is invalid");
        assertProblem(Samples.inner(v, "10.64.0.5", 16, "10.65.0.1"),
                "inner address outside the pool's prefix: gateway 10.65.0.1 is not in 10.64.0.0/16 of inner address 10.64.0.5/16");
        assertProblem(Samples.inner(v, "10.64.0.5", 16, "10.64.0.5"), "inner address 10.64.0.5 equals the peer's inner address");
        assertProblem(Samples.inner(v, "10.64.0.5", 16, "fd00::1"),
                "inner address 10.64.0.5 and peer inner address fd00::1 are of different address families");
        assertProblem(Samples.routes(v, "fd00::/8"), "route fd00::/8 and its next hop 10.64.0.1 are of different address families");
    }

    @Test
    void aGatewayEndMayHaveItsPeerOutsideItsPrefix() {
        TunnelIntent gw = new TunnelIntent("dtm-smr1", TunnelIntent.Role.GATEWAY, v.type(), v.localOuter(), v.remoteOuter(),
                v.key(), Cidr.parseLiteral("10.64.0.1"), 32, Cidr.parseLiteral("10.64.0.5"), List.of(), v.mtu(),
                Optional.empty(), 0);
        assertEquals(List.of(), validator.validate(gw, adapter));
    }

    @Test
    void wireGuardKeysPresentExactlyForWireGuard() {
        TunnelIntent wg = Samples.of(TunnelType.WIREGUARD, "dtm0");
        assertProblem(withWg(wg, Optional.empty(), 25), "a wireguard tunnel needs wireguard keys");
        assertProblem(withWg(v, wg.wireGuard(), 0), "wireguard keys given for a vxlan tunnel");
        assertProblem(withWg(wg, Optional.of(new WireGuardKeys(Path.of("/k"), "short", 0)), 25),
                "wireguard peer public key must be 44 characters of base64");
        assertProblem(withWg(wg, Optional.of(new WireGuardKeys(Path.of("/k"), Samples.PEER_KEY, 70000)), 25),
                "wireguard listen port 70000 must be 0..65535");
        assertProblem(withWg(wg, wg.wireGuard(), 70000), "persistent keepalive 70000 must be 0..65535 seconds");
        assertProblem(withWg(v, Optional.empty(), 25), "persistent keepalive is a wireguard setting, must be 0 for vxlan");
    }

    @Test
    void adapterWithoutWireGuardIsNamed() {
        FakeAdapter noWg = adapter.withoutWireGuard();
        assertEquals(List.of("adapter fake does not support wireguard"),
                validator.validate(Samples.of(TunnelType.WIREGUARD, "dtm0"), noWg));
    }

    @Test
    void adapterMissingARequiredBehaviourIsNamed() {
        VendorAdapter noRoutes = new DelegatingAdapter(adapter) {
            @Override
            public <B extends net.dtm.spi.config.Behaviour> Optional<B> behaviour(Class<B> type) {
                return type == net.dtm.spi.config.RouteBehaviour.class ? Optional.empty() : super.behaviour(type);
            }
        };
        assertProblem(noRoutes, v, "adapter fake lacks the RouteBehaviour every adapter must offer");
    }

    @Test
    void theAdaptersOwnValidationRunsOnlyWhenTheRestPassed() {
        FakeAdapter picky = adapter.refusingInValidate("fake devices dislike this");
        assertEquals(List.of("fake devices dislike this"), validator.validate(v, picky));
        assertEquals(List.of("MTU 100 is below 576, the smallest adapter fake accepts with an IPv4 inner address"),
                validator.validate(v.withMtu(100), picky));
    }

    @Test
    void severalProblemsAreAllReported() {
        List<String> p = validator.validate(Samples.key(v.withMtu(100), 0), adapter);
        assertEquals(2, p.size(), p.toString());
    }

    private void assertProblem(TunnelIntent intent, String fragment) {
        assertProblem(adapter, intent, fragment);
    }

    private void assertProblem(VendorAdapter a, TunnelIntent intent, String fragment) {
        List<String> problems = validator.validate(intent, a);
        assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)), () -> problems + " lacks '" + fragment + "'");
    }

    private static TunnelIntent withWg(TunnelIntent i, Optional<WireGuardKeys> k, int keepalive) {
        return new TunnelIntent(i.name(), i.role(), i.type(), i.localOuter(), i.remoteOuter(), i.key(), i.innerAddress(),
                i.prefixLength(), i.peerInner(), i.routes(), i.mtu(), k, keepalive);
    }

    /** An adapter that offers the fake's behaviours through itself, so a test can override one. */
    private static class DelegatingAdapter extends ForwardingAdapter implements LinkSettingsBehaviour {
        private final FakeAdapter inner;

        DelegatingAdapter(FakeAdapter inner) {
            super(inner);
            this.inner = inner;
        }

        @Override
        public <B extends net.dtm.spi.config.Behaviour> Optional<B> behaviour(Class<B> type) {
            return type == LinkSettingsBehaviour.class ? Optional.of(type.cast(this)) : super.behaviour(type);
        }

        @Override
        public List<String> setMtu(String name, int mtu) {
            return inner.setMtu(name, mtu);
        }
    }
}
