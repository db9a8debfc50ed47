package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseEvent;
import net.dtm.api.OuterPath;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.PathUpdate;
import net.dtm.protocol.Release;
import net.dtm.protocol.Renew;

/** The data plane seen from the request handler: keys in PARAMS, lease events, PATH, v1 compatibility. */
class DataPlaneRequestTest {

    static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 40000);
    static final OuterPath LTE = new OuterPath("lte", new InetSocketAddress("100.64.1.2", 0));
    static final OuterPath FIVE_G = new OuterPath("5g", new InetSocketAddress("100.65.1.2", 0));

    private final Map<DeviceId, byte[]> keys = new HashMap<>();
    private final List<LeaseEvent> events = new CopyOnWriteArrayList<>();
    private FakePools pools;
    private RequestHandler handler;
    private TestDevice device;

    @BeforeEach
    void setUp() {
        pools = new FakePools(Clock.systemUTC());
        pools.createPool(Pool.of("demo", "10.64.0.0/24", 3600));
        device = new TestDevice("smr-1");
        keys.put(device.id, device.key);
        handler = handler("node-a", TunnelType.VXLAN);
    }

    private RequestHandler handler(String node, TunnelType type) {
        ServerSettings settings = new ServerSettings(node, new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), type, 1400, 10, "demo", List.of());
        RequestHandler h = new RequestHandler(settings, id -> Optional.ofNullable(keys.get(id)), pools, Clock.systemUTC());
        h.enableDataPlane(new DataPathEvents(node, events::add, Clock.systemUTC()), "");
        return h;
    }

    private Envelope v2(RequestHandler h, Object body) {
        byte[] answer = h.handle(device.requestV2((net.dtm.protocol.Message) body), SOURCE).orElseThrow();
        Envelope e = device.open(answer);
        assertEquals(2, e.version(), "answered in the request's version");
        return e;
    }

    private Params establishAndConfirm(RequestHandler h) {
        Params p = assertInstanceOf(Params.class, v2(h, new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty(),
                "", Optional.of(LTE))).body());
        assertInstanceOf(Ack.class, v2(h, new Confirm(p.pool(), p.parameters().innerAddress(), p.leaseSequence())).body());
        return p;
    }

    @Test
    void aVersion2DeviceGetsItsKeyAndItsTunnelServerPublishesBound() throws Exception {
        Params p = establishAndConfirm(handler);
        InetAddress inner = p.parameters().innerAddress();
        long expected = DataPathEvents.tunnelKey(TunnelType.VXLAN, pools.pool("demo").orElseThrow(), inner);
        assertEquals(expected, p.parameters().tunnelKey());
        assertTrue(expected > 0 && expected < (1 << 24));
        assertEquals(1, events.size());
        LeaseEvent bound = events.get(0);
        assertEquals(LeaseEvent.Type.BOUND, bound.type());
        assertEquals(LTE.localAddress(), bound.peer().orElseThrow().deviceOuter());
        assertEquals(expected, bound.peer().orElseThrow().key());
        assertEquals(inner + "/32", "/" + bound.peer().orElseThrow().routedPrefix().toString());
    }

    @Test
    void aVersion1DeviceIsStillServedWithoutDataPlaneFieldsOrEvents() {
        byte[] answer = handler.handle(device.request(new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty())),
                SOURCE).orElseThrow();
        Envelope e = device.open(answer);
        assertEquals(1, e.version());
        Params p = assertInstanceOf(Params.class, e.body());
        assertEquals(0, p.parameters().tunnelKey());
        handler.handle(device.request(new Confirm(p.pool(), p.parameters().innerAddress(), p.leaseSequence())), SOURCE);
        assertTrue(events.isEmpty(), "no data path for a v1 device: " + events);
    }

    @Test
    void pathUpdatesMoveTheCoreEndAndAWrongQuoteIsRefused() {
        Params p = establishAndConfirm(handler);
        Envelope ack = v2(handler, new PathUpdate(p.pool(), p.parameters().innerAddress(), p.leaseSequence(), FIVE_G));
        assertEquals(MessageType.PATH, assertInstanceOf(Ack.class, ack.body()).acknowledged());
        LeaseEvent moved = events.get(events.size() - 1);
        assertEquals(LeaseEvent.Type.PATH_CHANGED, moved.type());
        assertEquals(FIVE_G.localAddress(), moved.peer().orElseThrow().deviceOuter());

        int before = events.size();
        Nak nak = assertInstanceOf(Nak.class, v2(handler,
                new PathUpdate(p.pool(), p.parameters().innerAddress(), p.leaseSequence() + 100, LTE)).body());
        assertEquals(Reason.UNKNOWN_LEASE, nak.reason());
        nak = assertInstanceOf(Nak.class, v2(handler, new PathUpdate("demo", pools.pool("demo").orElseThrow().gateway(),
                p.leaseSequence(), LTE)).body());
        assertEquals(Reason.UNKNOWN_LEASE, nak.reason());
        assertEquals(before, events.size(), "a refused PATH changes nothing");
    }

    @Test
    void renewalsNamingThisNodeRefreshItsCoreEndAndNamingAnotherRemoveIt() {
        Params p = establishAndConfirm(handler);
        InetAddress inner = p.parameters().innerAddress();
        assertInstanceOf(Params.class, v2(handler, new Renew(p.pool(), inner, p.leaseSequence(), "node-a", Optional.of(FIVE_G))).body());
        assertEquals(LeaseEvent.Type.RENEWED, events.get(events.size() - 1).type());
        assertEquals(FIVE_G.localAddress(), events.get(events.size() - 1).peer().orElseThrow().deviceOuter());
        // another node answered the device's re-establishment: this node's core end goes
        assertInstanceOf(Params.class, v2(handler, new Renew(p.pool(), inner, p.leaseSequence(), "node-b", Optional.of(FIVE_G))).body());
        assertEquals(LeaseEvent.Type.MOVED_AWAY, events.get(events.size() - 1).type());
        int before = events.size();
        v2(handler, new Renew(p.pool(), inner, p.leaseSequence(), "node-b", Optional.of(FIVE_G)));
        assertEquals(before, events.size(), "told once");
    }

    @Test
    void releasePublishesReleasedAndASweepFindsExpiredLeases() {
        Params p = establishAndConfirm(handler);
        assertInstanceOf(Ack.class, v2(handler, new Release(p.pool(), p.parameters().innerAddress(), p.leaseSequence())).body());
        assertEquals(LeaseEvent.Type.RELEASED, events.get(events.size() - 1).type());

        // a lease this node served runs out without renewal
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(
                t0.plus(Duration.ofHours(2)));
        Clock clock = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        List<LeaseEvent> swept = new CopyOnWriteArrayList<>();
        DataPathEvents paths = new DataPathEvents("node-a", swept::add, clock);
        Pool pool = pools.pool("demo").orElseThrow();
        Lease lease = new Lease("demo", device.id, p.parameters().innerAddress(), net.dtm.api.LeaseState.BOUND, 3,
                t0.plus(Duration.ofHours(1)), "node-a");
        paths.offered(device.id, TunnelType.VXLAN, Optional.of(LTE), "", lease, 1);
        paths.confirmed(lease, pool);
        assertEquals(0, paths.sweep(l -> Optional.of(l.with(l.state(), l.sequence(), t0.plus(Duration.ofHours(3)), "node-b"))),
                "renewed through another node: still active");
        assertEquals(0, paths.sweep(l -> Optional.empty()), "the refreshed expiry has not passed");
        now.set(t0.plus(Duration.ofHours(4)));
        assertEquals(0, paths.sweep(l -> {
            throw new net.dtm.api.DtmException(Reason.STORE_UNAVAILABLE, "store away");
        }), "an unreadable store defers the decision");
        assertEquals(1, paths.sweep(l -> Optional.empty()));
        assertEquals(LeaseEvent.Type.EXPIRED, swept.get(swept.size() - 1).type());
        assertTrue(paths.devices().isEmpty());
        assertEquals(0, paths.sweep(l -> Optional.empty()), "told once");
    }

    @Test
    void aWireGuardDeviceIsRefusedClearlyWhenTheNodeHasNoKeyAndGetsTheKeyOtherwise() {
        RequestHandler wg = handler("node-w", TunnelType.WIREGUARD);
        Establish e = new Establish(TunnelType.WIREGUARD, "", List.of(), Optional.empty(),
                "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=", Optional.of(LTE));
        Nak nak = assertInstanceOf(Nak.class, v2(wg, e).body());
        assertEquals(Reason.BAD_REQUEST, nak.reason());
        assertTrue(nak.text().contains("WireGuard key"), nak.text());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> wg.enableDataPlane(
                new DataPathEvents("node-w", events::add, Clock.systemUTC()), "not-a-key"));

        RequestHandler keyed = handler("node-k", TunnelType.WIREGUARD);
        keyed.enableDataPlane(new DataPathEvents("node-k", events::add, Clock.systemUTC()),
                "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=");
        Params p = assertInstanceOf(Params.class, v2(keyed, e).body());
        assertEquals("HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=", p.parameters().serverPublicKey());
        assertEquals(0, p.parameters().tunnelKey());
        Nak noDeviceKey = assertInstanceOf(Nak.class, v2(keyed, new Establish(TunnelType.WIREGUARD, "", List.of(),
                Optional.empty(), "short", Optional.of(LTE))).body());
        assertTrue(noDeviceKey.text().contains("public key"), noDeviceKey.text());
    }

    @Test
    void tunnelKeysAreDerivedFromTheAddress() throws Exception {
        Pool v4 = Pool.of("p4", "10.64.0.0/16", 60);
        assertEquals(0x400105L, DataPathEvents.tunnelKey(TunnelType.VXLAN, v4, InetAddress.getByName("10.64.1.5")));
        assertEquals(0x0a400105L, DataPathEvents.tunnelKey(TunnelType.GRE, v4, InetAddress.getByName("10.64.1.5")));
        assertEquals(0, DataPathEvents.tunnelKey(TunnelType.IPIP, v4, InetAddress.getByName("10.64.1.5")));
        assertEquals((1L << 24) - 1, DataPathEvents.tunnelKey(TunnelType.VXLAN, Pool.of("p", "11.0.0.0/8", 60),
                InetAddress.getByName("11.0.0.0")), "VNI 0 is not a VNI");
        Pool delegated = Pool.of("p6", "2001:db8::/48", 60).withDelegatedLength(64);
        assertEquals(0x000007L, DataPathEvents.tunnelKey(TunnelType.VXLAN, delegated, InetAddress.getByName("2001:db8:0:7::")));
    }

    @Test
    void aLateRenewDoesNotTakeTheCoreEndBackToAnOldLink() {
        Params p = establishAndConfirm(handler);
        InetAddress inner = p.parameters().innerAddress();
        // the RENEW is built (sequence n) before the PATH (n+1) but arrives after it
        byte[] lateRenew = device.requestV2(new Renew(p.pool(), inner, p.leaseSequence(), "node-a", Optional.of(LTE)));
        v2(handler, new PathUpdate(p.pool(), inner, p.leaseSequence(), FIVE_G));
        assertEquals(FIVE_G.localAddress(), events.get(events.size() - 1).peer().orElseThrow().deviceOuter());
        device.open(handler.handle(lateRenew, SOURCE).orElseThrow());
        LeaseEvent renewed = events.get(events.size() - 1);
        assertEquals(LeaseEvent.Type.RENEWED, renewed.type());
        assertEquals(FIVE_G.localAddress(), renewed.peer().orElseThrow().deviceOuter(), "the newer path stays");
    }

    @Test
    void onlyTheTunnelServerTakesAPathAndAReplayElsewhereBuildsNothing() {
        Params p = establishAndConfirm(handler);
        InetAddress inner = p.parameters().innerAddress();
        byte[] path = device.requestV2(new PathUpdate(p.pool(), inner, p.leaseSequence(), FIVE_G));
        RequestHandler other = handler("node-c", TunnelType.VXLAN);
        int before = events.size();
        Nak nak = assertInstanceOf(Nak.class, device.open(other.handle(path, SOURCE).orElseThrow()).body());
        assertEquals(Reason.NOT_SERVING, nak.reason());
        assertEquals(before, events.size(), "no core end on a node that does not serve the tunnel");
        assertEquals(1, other.counters().get("refused.path-not-served"));
    }

    @Test
    void theOldTunnelServerLetsGoWhenTheDeviceReHomesElsewhere() {
        Params p = establishAndConfirm(handler);
        InetAddress inner = p.parameters().innerAddress();
        // the device re-homes: its ESTABLISH reaches this node too, but node-b answers first and is confirmed there
        v2(handler, new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty(), "", Optional.of(FIVE_G)));
        int before = events.size();
        v2(handler, new Renew(p.pool(), inner, p.leaseSequence(), "node-b", Optional.of(FIVE_G)));
        assertEquals(before + 1, events.size());
        assertEquals(LeaseEvent.Type.MOVED_AWAY, events.get(events.size() - 1).type());
    }
}
