package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Params;
import net.dtm.api.fakes.SettableClock;

class ParamsBuilderTest {

    static final String WG_KEY = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";
    static final List<InetSocketAddress> SERVERS = List.of(new InetSocketAddress("127.0.0.1", 47800));

    private final SettableClock clock = new SettableClock(Instant.ofEpochMilli(1_700_000_000_000L));
    private final FakePools pools = new FakePools(clock);

    ParamsBuilderTest() {
        pools.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
    }

    private ParamsBuilder builder(TunnelType type, String wireGuardKey) {
        ServerSettings settings = new ServerSettings("node-a", new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), type, 1380, 15, "demo", SERVERS);
        DataPlane dataPlane = new DataPlane();
        dataPlane.enable(new DataPathEvents("node-a", e -> { }, clock), wireGuardKey);
        return new ParamsBuilder(settings, pools, clock, new ClusterView(null, settings, clock), dataPlane);
    }

    private Lease lease(LeaseState state, Duration remaining) throws Exception {
        return new Lease("demo", DeviceId.of("smr-1"), InetAddress.getByName("10.64.1.5"), state, 4,
                clock.instant().plus(remaining), "node-a");
    }

    @Test
    void anOfferTellsThePoolsLeaseTimeARenewalWhatRemains() throws Exception {
        ParamsBuilder b = builder(TunnelType.VXLAN, "");
        Params offer = b.params(lease(LeaseState.LOCKED, Duration.ofSeconds(30)), true, true);
        assertEquals(3600, offer.parameters().leaseSeconds(), "the CONFIRM starts the full lifetime");
        assertEquals(1200, b.params(lease(LeaseState.BOUND, Duration.ofSeconds(1200)), false, true).parameters().leaseSeconds());
        assertEquals(1200, b.params(lease(LeaseState.BOUND, Duration.ofSeconds(1200)), true, true).parameters().leaseSeconds(),
                "an offer of a bound lease tells what remains");
        assertEquals(1, b.params(lease(LeaseState.BOUND, Duration.ofSeconds(-5)), false, true).parameters().leaseSeconds());

        assertEquals("demo", offer.pool());
        assertEquals(4, offer.leaseSequence());
        assertEquals(SERVERS, offer.servers());
        assertEquals(InetAddress.getByName("10.64.1.5"), offer.parameters().innerAddress());
        assertEquals(16, offer.parameters().prefixLength());
        assertEquals(new InetSocketAddress("192.0.2.1", 4789), offer.parameters().serverEndpoint());
        assertEquals(1380, offer.parameters().mtu());
        assertEquals(15, offer.parameters().keepaliveSeconds());
        assertEquals("node-a", offer.parameters().serverNodeId());
    }

    @Test
    void onlyAVersion2DeviceGetsTheDataPlaneFields() throws Exception {
        Lease bound = lease(LeaseState.BOUND, Duration.ofHours(1));
        ParamsBuilder vxlan = builder(TunnelType.VXLAN, WG_KEY);
        assertEquals(0x400105L, vxlan.params(bound, false, true).parameters().tunnelKey());
        assertEquals("", vxlan.params(bound, false, true).parameters().serverPublicKey(), "not a WireGuard node");
        assertEquals(0, vxlan.params(bound, false, false).parameters().tunnelKey());

        ParamsBuilder wg = builder(TunnelType.WIREGUARD, WG_KEY);
        assertEquals(WG_KEY, wg.params(bound, false, true).parameters().serverPublicKey());
        assertEquals("", wg.params(bound, false, false).parameters().serverPublicKey());
    }

    @Test
    void aLeaseOfAPoolThatIsGoneIsRefused() throws Exception {
        Lease orphan = new Lease("gone", DeviceId.of("smr-1"), InetAddress.getByName("10.64.1.5"), LeaseState.BOUND, 1,
                clock.instant().plusSeconds(60), "node-a");
        DtmException e = assertThrows(DtmException.class, () -> builder(TunnelType.VXLAN, "").params(orphan, false, true));
        assertEquals(Reason.NO_POOL, e.reason());
    }
}
