package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.ClusterService;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.LeaseState;
import net.dtm.api.NodeInfo;
import net.dtm.api.NodeState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Message;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.Release;
import net.dtm.protocol.Renew;
import net.dtm.protocol.Transactions;
import net.dtm.spi.cluster.Member;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.store.derby.DerbyStore;

/**
 * A cluster node's request handling over the real pool manager on Derby, with a cluster the test
 * drives: the server list in PARAMS, draining, degraded mode with the store really failing,
 * leases served and the heartbeat, the node directory.
 */
class ClusterBehaviourTest {

    @TempDir
    static Path dir;
    private static DerbyStore derby;
    private static final AtomicInteger RUN = new AtomicInteger();

    static final InetSocketAddress SELF = FakeCluster.ep(47800);
    static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 40000);

    private final Map<DeviceId, byte[]> keys = new HashMap<>();
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private final AtomicInteger storeCalls = new AtomicInteger();
    private FakeCluster cluster;
    private PoolManager pools;
    private RequestHandler handler;
    private String pool;
    private int run;

    @BeforeEach
    void setUp() {
        if (derby == null) {
            derby = new DerbyStore(dir.resolve("derby"));
        }
        run = RUN.incrementAndGet();
        pool = "c" + run;
        cluster = new FakeCluster("node-a");
        cluster.site = "east";
        LeaseStore failing = (LeaseStore) Proxy.newProxyInstance(LeaseStore.class.getClassLoader(),
                new Class<?>[] {LeaseStore.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() != Object.class) {
                        storeCalls.incrementAndGet();
                        if (storeDown.get()) {
                            throw new StoreUnavailableException("quorum lost (test)", null);
                        }
                    }
                    try {
                        return method.invoke(derby, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        pools = new PoolManager(failing, null, Clock.systemUTC(), PoolSettings.DEFAULTS, cluster);
        pools.createPool(Pool.of(pool, "10." + (100 + run) + ".0.0/24", 3600));
        handler = handler(List.of());
        cluster.advertise(List.of(SELF));
    }

    private RequestHandler handler(List<InetSocketAddress> configured) {
        ServerSettings settings = new ServerSettings("node-a", SELF, new InetSocketAddress("192.0.2.1", 4789),
                TunnelType.VXLAN, 1400, 10, pool, configured);
        return new RequestHandler(settings, id -> Optional.ofNullable(keys.get(id)), pools, Clock.systemUTC(),
                new Counters(), RequestHandler.DEFAULT_ANSWER_TTL, RequestHandler.DEFAULT_ANSWER_CAPACITY, cluster);
    }

    @AfterEach
    void tearDown() {
        handler.close();
        pools.close();
        storeDown.set(false);
        pools.deletePool(pool);
    }

    @AfterAll
    static void closeStore() {
        if (derby != null) {
            derby.close();
            derby = null;
        }
    }

    private TestDevice device(String name) {
        TestDevice d = new TestDevice(name + "-" + run);
        keys.put(d.id, d.key);
        return d;
    }

    private Message ask(TestDevice d, Message request) {
        Optional<byte[]> answer = handler.handle(d.request(Transactions.newId(), d.nextSequence(), request), SOURCE);
        assertTrue(answer.isPresent(), "expected an answer");
        Envelope e = d.open(answer.get());
        return e.body();
    }

    private <T extends Message> T ask(TestDevice d, Message request, Class<T> expected) {
        Message m = ask(d, request);
        return assertInstanceOf(expected, m, () -> "got " + m);
    }

    private static Establish establish() {
        return new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty());
    }

    /** Establishes and confirms; returns the PARAMS. */
    private Params bound(TestDevice d) {
        Params p = ask(d, establish(), Params.class);
        ask(d, new Confirm(p.pool(), p.parameters().innerAddress(), p.leaseSequence()), Ack.class);
        return p;
    }

    // ---------------------------------------------------------------- server list

    @Test
    void paramsCarryRegisteredNotDrainingMembersSelfFirstThenSiteThenOthers() {
        cluster.put("node-z", "east", 47805, true, false)   // same site
                .put("node-b", "west", 47802, true, false)  // other site
                .put("node-c", "east", 47803, false, false) // down
                .put("node-d", "east", 47804, true, true);  // draining
        TestDevice d = device("smr");
        Params p = ask(d, establish(), Params.class);
        assertEquals(List.of(SELF, FakeCluster.ep(47805), FakeCluster.ep(47802)), p.servers());
        assertEquals(1, handler.leasesServed(), "a new lease served");
    }

    @Test
    void renewalAnswerCarriesTheCurrentListIncludingANodeAddedAtRuntime() {
        TestDevice d = device("smr");
        Params p = bound(d);
        assertEquals(List.of(SELF), p.servers());
        cluster.put("node-new", "east", 47809, true, false); // notifies: the view recomputes at once
        Params renewed = ask(d, new Renew(p.pool(), p.parameters().innerAddress(), p.leaseSequence()), Params.class);
        assertEquals(List.of(SELF, FakeCluster.ep(47809)), renewed.servers());
        assertEquals(3, handler.leasesServed(), "PARAMS, ACK of confirm, PARAMS of renew");
    }

    @Test
    void serverListIsCappedAt16AndDeduplicated() {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            members.add(new Member("n" + (100 + i), i % 2 == 0 ? "east" : "west", List.of(FakeCluster.ep(48000 + i)), true,
                    false, false, 0, Instant.EPOCH));
        }
        members.add(new Member("dup", "east", List.of(SELF), true, false, false, 0, Instant.EPOCH));
        List<InetSocketAddress> list = ClusterView.serverList("self", "west", false, SELF, members);
        assertEquals(16, list.size());
        assertEquals(SELF, list.get(0), "this node first (not registered yet: its own endpoint)");
        assertEquals(16, list.stream().distinct().count());
        assertEquals(FakeCluster.ep(48001), list.get(1), "same site (west) before the others");
        List<InetSocketAddress> again = ClusterView.serverList("self", "west", false, SELF, members);
        assertEquals(list, again, "deterministic");
    }

    @Test
    void configuredServersOverrideTheClusterList() {
        cluster.put("node-b", "east", 47802, true, false);
        handler.close();
        List<InetSocketAddress> configured = List.of(FakeCluster.ep(1), FakeCluster.ep(2));
        handler = handler(configured);
        assertEquals(configured, ask(device("smr"), establish(), Params.class).servers());
    }

    @Test
    void standaloneClusterPushesTheConfiguredListSoDevicesKeepTheirOwn() {
        FakeCluster one = new FakeCluster("node-a", "standalone");
        one.advertise(List.of(SELF));
        ServerSettings settings = new ServerSettings("node-a", SELF, new InetSocketAddress("192.0.2.1", 4789),
                TunnelType.VXLAN, 1400, 10, pool, List.of());
        ClusterView view = new ClusterView(one, settings, Clock.systemUTC());
        assertEquals(List.of(), view.servers());
        assertFalse(view.degraded());
    }

    // ---------------------------------------------------------------- draining

    @Test
    void drainingNodeRefusesNewDevicesButServesItsOwnAndLeavesItselfOutOfTheList() {
        cluster.put("node-b", "east", 47802, true, false);
        TestDevice mine = device("mine");
        Params p = ask(mine, establish(), Params.class);
        assertTrue(cluster.setDraining("node-a", true));

        TestDevice fresh = device("fresh");
        byte[] request = fresh.request(Transactions.newId(), fresh.nextSequence(), establish());
        Nak nak = assertInstanceOf(Nak.class, fresh.open(handler.handle(request, SOURCE).orElseThrow()).body());
        assertEquals(Reason.NOT_SERVING, nak.reason());
        assertTrue(nak.text().contains("draining"), nak.text());
        assertTrue(pools.lease(pool, fresh.id).isEmpty(), "nothing allocated");
        assertEquals(1, handler.counters().get("refused.draining"));

        // its own device confirms, renews and releases as before, and is told to move on
        ask(mine, new Confirm(pool, p.parameters().innerAddress(), p.leaseSequence()), Ack.class);
        Params renewed = ask(mine, new Renew(pool, p.parameters().innerAddress(), p.leaseSequence()), Params.class);
        assertEquals(List.of(FakeCluster.ep(47802)), renewed.servers(), "itself left out");
        assertEquals(LeaseState.BOUND, pools.lease(pool, mine.id).orElseThrow().state());

        // not-serving is transient: the same datagram is processed afresh once undrained
        assertTrue(cluster.setDraining("node-a", false));
        assertInstanceOf(Params.class, fresh.open(handler.handle(request, SOURCE).orElseThrow()).body());
        ask(mine, new Release(pool, p.parameters().innerAddress(), renewed.leaseSequence()), Ack.class);
    }

    // ---------------------------------------------------------------- degraded

    @Test
    void degradedNodeRefusesNewDevicesWithoutTouchingTheStore() {
        cluster.setConnected(false);
        storeDown.set(true);
        int calls = storeCalls.get();
        TestDevice fresh = device("fresh");
        byte[] request = fresh.request(Transactions.newId(), fresh.nextSequence(), establish());
        Nak nak = assertInstanceOf(Nak.class, fresh.open(handler.handle(request, SOURCE).orElseThrow()).body());
        assertEquals(Reason.STORE_UNAVAILABLE, nak.reason());
        assertEquals(calls, storeCalls.get(), "store not touched");
        assertEquals(1, handler.counters().get("refused.degraded"));
        assertTrue(handler.clusterView().degradedSince().isPresent());

        // back to normal by itself when the quorum is back: the same request succeeds
        storeDown.set(false);
        cluster.setConnected(true);
        assertInstanceOf(Params.class, fresh.open(handler.handle(request, SOURCE).orElseThrow()).body());
        assertTrue(handler.clusterView().degradedSince().isEmpty());
    }

    @Test
    void degradedNodeRenewsKnownBoundLeasesUnchangedAndRefusesTheRest() throws Exception {
        TestDevice known = device("known");
        Params p = bound(known);
        Params before = ask(known, new Renew(pool, p.parameters().innerAddress(), p.leaseSequence()), Params.class);
        Instant storedExpiry = pools.lease(pool, known.id).orElseThrow().expiresAt();
        TestDevice locked = device("locked");
        Params lockedParams = ask(locked, establish(), Params.class);   // offered, never confirmed
        TestDevice unknown = device("unknown");

        cluster.setConnected(false);
        storeDown.set(true);
        Params renewed = ask(known, new Renew(pool, p.parameters().innerAddress(), before.leaseSequence()), Params.class);
        assertEquals(p.parameters().innerAddress(), renewed.parameters().innerAddress());
        long remaining = Duration.between(Instant.now(), storedExpiry).getSeconds();
        assertTrue(renewed.parameters().leaseSeconds() <= remaining + 1,
                "not extended beyond the stored expiry: told " + renewed.parameters().leaseSeconds() + " s, " + remaining + " s remain");
        assertEquals(1, handler.counters().get("renewals.while.degraded"));
        assertEquals(1, pools.renewedDegraded());
        // a retransmitted CONFIRM of the bound lease (a renewal) too
        ask(known, new Confirm(pool, p.parameters().innerAddress(), p.leaseSequence()), Ack.class);
        assertEquals(2, pools.renewedDegraded());

        // a wrong quote, a LOCKED lease, an unknown device: store-unavailable
        InetAddress other = InetAddress.getByName("10." + (100 + run) + ".0.200");
        assertEquals(Reason.STORE_UNAVAILABLE,
                ask(known, new Renew(pool, other, p.leaseSequence()), Nak.class).reason());
        assertEquals(Reason.STORE_UNAVAILABLE, ask(locked,
                new Renew(pool, lockedParams.parameters().innerAddress(), lockedParams.leaseSequence()), Nak.class).reason());
        assertEquals(Reason.STORE_UNAVAILABLE, ask(locked,
                new Confirm(pool, lockedParams.parameters().innerAddress(), lockedParams.leaseSequence()), Nak.class).reason());
        assertEquals(Reason.STORE_UNAVAILABLE,
                ask(unknown, new Renew(pool, other, 1), Nak.class).reason());
        assertEquals(2, pools.renewedDegraded());

        storeDown.set(false);
        cluster.setConnected(true);
        assertEquals(storedExpiry, pools.lease(pool, known.id).orElseThrow().expiresAt(), "nothing was written");
    }

    // ---------------------------------------------------------------- heartbeat and directory

    @Test
    void heartbeatAdvertisesOnceAndPublishesLeasesServedRetryingAFailedAdvertisement() {
        FakeCluster c = new FakeCluster("node-h");
        c.failAdvertise.set(1);
        AtomicInteger served = new AtomicInteger(5);
        try (ClusterHeartbeat h = ClusterHeartbeat.start(c, SELF, served::get, Duration.ofHours(1))) {
            assertEquals(List.of(), c.advertised, "the first try failed");
            h.beat();
            assertEquals(List.of(List.of(SELF)), c.advertised, "retried with the next heartbeat");
            served.set(9);
            h.beat();
            assertEquals(List.of(5L, 9L), c.published);
            assertEquals(1, c.advertised.size(), "advertised once");
        }
    }

    @Test
    void directoryShowsStatesLeaderFiguresAndStatus() {
        cluster.put("node-b", "west", 47802, true, false)
                .put("node-c", "east", 47803, false, false)
                .put("node-d", "east", 47804, true, true);
        bound(device("smr"));
        NodeDirectory dirx = new NodeDirectory(cluster, handler.clusterView(), handler.settings(), handler::leasesServed,
                Clock.systemUTC());
        assertEquals("zookeeper", dirx.mode());
        Map<String, NodeState> states = new HashMap<>();
        dirx.nodes().forEach(n -> states.put(n.id(), n.state()));
        assertEquals(Map.of("node-a", NodeState.ACTIVE, "node-b", NodeState.ACTIVE, "node-c", NodeState.DOWN,
                "node-d", NodeState.DRAINING), states);
        NodeInfo me = dirx.local();
        assertEquals("node-a", me.id());
        assertEquals("east", me.site());
        assertTrue(me.leader());
        assertEquals(2, me.leasesServed());
        assertEquals(7, dirx.node("node-b").orElseThrow().leasesServed());

        Map<String, String> status = dirx.status();
        assertEquals("zookeeper", status.get("mode"));
        assertEquals("node-a", status.get("node"));
        assertEquals("active", status.get("state"));
        assertEquals("2", status.get("leases.served"));
        assertEquals("-", status.get("degraded.since"));
        assertEquals("127.0.0.1:47800,127.0.0.1:47802", status.get("servers.pushed"));
        assertEquals("zk1:2181", status.get("connect"));
        assertEquals("should not replace the node's mode", status.get("cluster.mode"));

        cluster.setConnected(false);
        assertEquals(NodeState.DEGRADED, dirx.local().state());
        assertFalse(dirx.status().get("degraded.since").equals("-"));
        DtmException e = assertThrows(DtmException.class, () -> dirx.setDraining("node-b", true));
        assertEquals(Reason.STORE_UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("node-b"), e.getMessage());
        cluster.setConnected(true);
        assertThrows(IllegalArgumentException.class, () -> dirx.setDraining("nobody", true));
        assertTrue(dirx.setDraining("node-a", true));
        assertEquals(NodeState.DRAINING, dirx.local().state());
        assertTrue(handler.clusterView().draining(), "the handler sees it at once");
        assertFalse(dirx.setDraining("node-a", true));
    }

    @Test
    void theLastActiveNodeIsNotDrainedUnlessForcedWhoeverAsks() {
        cluster.put("node-b", "west", 47802, true, true)    // draining
                .put("node-c", "east", 47803, false, false); // down
        NodeDirectory dirx = new NodeDirectory(cluster, handler.clusterView(), handler.settings(), handler::leasesServed,
                Clock.systemUTC());
        ClusterService.LastActiveNodeException e = assertThrows(ClusterService.LastActiveNodeException.class,
                () -> dirx.setDraining("node-a", true));
        assertEquals("node-a", e.node());
        assertEquals("node-a is the last active node: no node would take new devices", e.getMessage());
        assertFalse(cluster.members.get("node-a").draining(), "nothing changed");
        assertFalse(handler.clusterView().draining());

        assertTrue(dirx.setDraining("node-b", false), "undraining is never refused");
        assertTrue(dirx.setDraining("node-a", true), "node-b takes new devices");
        assertFalse(dirx.setDraining("node-a", true), "already draining");
        assertThrows(ClusterService.LastActiveNodeException.class, () -> dirx.setDraining("node-b", true, false));
        assertTrue(dirx.setDraining("node-c", true), "a node that is down is no active node");
        assertTrue(dirx.setDraining("node-b", true, true), "forced");
        assertEquals(NodeState.DRAINING, dirx.node("node-b").orElseThrow().state());
    }

    @Test
    void directoryWithoutAClusterIsOneNodeThatCannotBeDrained() {
        NodeDirectory one = new NodeDirectory(null, new ClusterView(null, handler.settings(), Clock.systemUTC()),
                handler.settings(), () -> 3, Clock.systemUTC());
        assertEquals("standalone", one.mode());
        assertEquals(1, one.nodes().size());
        assertEquals(NodeState.ACTIVE, one.local().state());
        assertEquals(3, one.local().leasesServed());
        assertThrows(IllegalArgumentException.class, () -> one.setDraining("x", true));
        assertThrows(IllegalStateException.class, () -> one.setDraining("node-a", true));
    }
}
