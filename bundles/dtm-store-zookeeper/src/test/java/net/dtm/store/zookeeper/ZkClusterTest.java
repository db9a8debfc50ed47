package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.api.Cidr;
import net.dtm.spi.cluster.Member;

/** Membership, drain flags and leadership of {@link ZkCluster} on a test server (a fresh namespace per test). */
class ZkClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();
    private final List<ZkNode> nodes = new ArrayList<>();
    private String namespace;

    @BeforeEach
    void freshNamespace() {
        namespace = ZkTesting.freshNamespace();
    }

    @AfterEach
    void closeNodes() {
        for (ZkNode n : nodes) {
            n.close();
        }
    }

    private ZkNode open(String id, String site) {
        ZkNode n = ZkNode.open(ZkTesting.settings(ZK.get(), namespace, id).withSite(site));
        nodes.add(n);
        return n;
    }

    private static Optional<Member> member(ZkNode viewer, String id) {
        return viewer.cluster().members().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    private static boolean registered(ZkNode viewer, String id) {
        return member(viewer, id).map(Member::registered).orElse(false);
    }

    /** The mtime of a node's durable record: when it last published. */
    private static Instant recordTime(ZkNode viewer, String id) throws Exception {
        Stat stat = viewer.client().checkExists().forPath("/records/" + id);
        assertNotNull(stat, "node " + id + " has a durable record");
        return Instant.ofEpochMilli(stat.getMtime());
    }

    private static List<InetSocketAddress> endpoints(int port) {
        return List.of(new InetSocketAddress(Cidr.parseLiteral("127.0.0.1"), port), new InetSocketAddress(Cidr.parseLiteral("::1"), port + 1));
    }

    @Test
    void nodesRegisterPublishAndAClosedNodeIsListedNotRegisteredWithItsLastFigures() throws Exception {
        ZkNode a = open("node-a", "site-1");
        ZkNode b = open("node-b", "site-2");
        await().atMost(WAIT).until(() -> registered(a, "node-a") && registered(a, "node-b") && registered(b, "node-a"));
        assertEquals("zookeeper", a.cluster().type());
        assertEquals("node-a", a.cluster().nodeId());
        assertTrue(a.cluster().isConnected());

        Instant before = member(b, "node-a").orElseThrow().lastSeen();
        a.cluster().advertise(endpoints(47800));
        a.cluster().publish(42);
        await().atMost(WAIT).until(() -> member(b, "node-a").map(m -> m.leasesServed() == 42).orElse(false));
        Member seen = member(b, "node-a").orElseThrow();
        assertEquals(endpoints(47800), seen.endpoints());
        assertEquals("site-1", seen.site());
        assertFalse(seen.draining());
        assertFalse(seen.lastSeen().isBefore(before), "publishing rewrites the record: its mtime is the last-seen time");
        assertEquals("site-2", member(a, "node-b").orElseThrow().site());

        b.cluster().advertise(endpoints(47900));
        b.cluster().publish(7);
        await().atMost(WAIT).until(() -> member(a, "node-b").map(m -> m.leasesServed() == 7).orElse(false)
                && recordTime(a, "node-b").equals(member(a, "node-b").orElseThrow().lastSeen()));
        Instant lastPublished = recordTime(a, "node-b");
        CountDownLatch told = new CountDownLatch(1);
        a.cluster().addListener(told::countDown);
        b.close();
        nodes.remove(b);
        assertTrue(told.await(15, TimeUnit.SECONDS), "listener called when a node leaves");
        await().atMost(WAIT).until(() -> member(a, "node-b").map(m -> !m.registered()).orElse(false));
        assertNull(a.client().checkExists().forPath("/nodes/node-b"), "the ephemeral registration is gone");
        Member down = member(a, "node-b").orElseThrow();
        assertEquals(new Member("node-b", "site-2", endpoints(47900), false, false, down.leader(), 7, lastPublished), down,
                "a closed node stays listed, not registered, with its last figures and last publish time");

        ZkNode back = open("node-b", "site-2");
        await().atMost(WAIT).until(() -> registered(a, "node-b") && member(a, "node-b").orElseThrow().lastSeen().isAfter(lastPublished));
        Member again = member(a, "node-b").orElseThrow();
        assertEquals(0, again.leasesServed(), "the new run's record replaces the old one");
        assertEquals(List.of(), again.endpoints(), "not advertised yet in this run");
        back.cluster().advertise(endpoints(47950));
        await().atMost(WAIT).until(() -> member(a, "node-b").map(m -> m.endpoints().equals(endpoints(47950))).orElse(false));
    }

    @Test
    void aKilledNodeIsListedNotRegisteredOnceItsSessionExpiresAndRegisteredWhenItComesBack() throws Exception {
        ZkNode a = open("node-a", "s");
        ZkNode b;
        Instant lastPublished;
        try (TcpProxy proxy = TcpProxy.to(ZK.get().getPort())) {
            b = ZkNode.open(ZkSettings.of(proxy.connectString(), ZkTesting.PASSWORD, "node-b").withNamespace(namespace)
                    .withSite("far").withTimeouts(1000, 1000));
            nodes.add(b);
            b.cluster().advertise(endpoints(48000));
            b.cluster().publish(11);
            await().atMost(WAIT).until(() -> member(a, "node-b").map(m -> m.registered() && m.leasesServed() == 11).orElse(false)
                    && recordTime(a, "node-b").equals(member(a, "node-b").orElseThrow().lastSeen()));
            lastPublished = recordTime(a, "node-b");
        } // b is cut off as if killed -9: no session close, the server expires its session
        await().atMost(WAIT).until(() -> member(a, "node-b").map(m -> !m.registered()).orElse(false));
        assertNull(a.client().checkExists().forPath("/nodes/node-b"), "the ephemeral registration expired");
        Member down = member(a, "node-b").orElseThrow();
        assertEquals(new Member("node-b", "far", endpoints(48000), false, false, down.leader(), 11, lastPublished), down,
                "listed with its last figures and last publish time");

        b.close();
        nodes.remove(b);
        ZkNode back = open("node-b", "far");
        back.cluster().publish(3);
        await().atMost(WAIT).until(() -> member(a, "node-b").map(m -> m.registered() && m.leasesServed() == 3).orElse(false));
        assertTrue(member(a, "node-b").orElseThrow().lastSeen().isAfter(lastPublished));
    }

    @Test
    void undrainingANodeThatIsDownKeepsItsRecordAndForgetRemovesIt() throws Exception {
        ZkNode a = open("node-a", "s");
        ZkNode b = open("node-b", "s");
        await().atMost(WAIT).until(() -> registered(a, "node-b"));
        IllegalArgumentException live = assertThrows(IllegalArgumentException.class, () -> a.cluster().forget("node-b"));
        assertTrue(live.getMessage().contains("registered"), live.getMessage());
        assertNotNull(a.client().checkExists().forPath("/records/node-b"), "a refused forget changes nothing");
        b.close();
        nodes.remove(b);
        await().atMost(WAIT).until(() -> member(a, "node-b").map(m -> !m.registered()).orElse(false));

        assertTrue(a.cluster().setDraining("node-b", true), "a node that is down can be drained");
        await().atMost(WAIT).until(() -> member(a, "node-b").map(Member::draining).orElse(false));
        assertTrue(a.cluster().setDraining("node-b", false));
        await().atMost(WAIT).until(() -> !member(a, "node-b").orElseThrow().draining());
        assertFalse(member(a, "node-b").orElseThrow().registered(), "undrained, still listed as down");
        assertNotNull(a.client().checkExists().forPath("/records/node-b"), "undraining keeps the record");

        assertTrue(a.cluster().setDraining("node-b", true));
        assertTrue(a.cluster().forget("node-b"));
        await().atMost(WAIT).until(() -> member(a, "node-b").isEmpty());
        assertNull(a.client().checkExists().forPath("/records/node-b"));
        assertNull(a.client().checkExists().forPath("/drain/node-b"), "forgetting removes the drain flag too");
        assertFalse(a.cluster().forget("node-b"), "nothing left to forget");
        assertThrows(IllegalArgumentException.class, () -> a.cluster().setDraining("node-b", true), "an unknown node again");
        assertThrows(IllegalArgumentException.class, () -> a.cluster().forget("../x"));
    }

    @Test
    void drainFlagIsDurableAcrossReRegistrationUntilCleared() throws Exception {
        ZkNode a = open("node-a", "s");
        ZkNode b = open("node-b", "s");
        await().atMost(WAIT).until(() -> registered(a, "node-b"));
        assertTrue(a.cluster().setDraining("node-b", true));
        assertFalse(a.cluster().setDraining("node-b", true), "already draining");
        await().atMost(WAIT).until(() -> member(b, "node-b").map(Member::draining).orElse(false));

        b.close();
        nodes.remove(b);
        await().atMost(WAIT).until(() -> member(a, "node-b").map(m -> !m.registered()).orElse(false));
        Member gone = member(a, "node-b").orElseThrow();
        assertTrue(gone.draining(), "a drained node that left is still listed, as drained");
        assertEquals("s", gone.site(), "with what was last known of it");

        ZkNode again = open("node-b", "s");
        await().atMost(WAIT).until(() -> registered(a, "node-b") && registered(again, "node-b"));
        assertTrue(member(again, "node-b").orElseThrow().draining(), "still drained after registering again");

        assertTrue(again.cluster().setDraining("node-b", false));
        assertFalse(again.cluster().setDraining("node-b", false), "already cleared");
        await().atMost(WAIT).until(() -> !member(a, "node-b").orElseThrow().draining());
    }

    @Test
    void drainingAnUnknownNodeIsRefusedAndChangesNothing() throws Exception {
        ZkNode a = open("node-a", "");
        await().atMost(WAIT).until(() -> registered(a, "node-a"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.cluster().setDraining("ghost", true));
        assertTrue(e.getMessage().contains("ghost"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.cluster().setDraining("ghost", false));
        assertThrows(IllegalArgumentException.class, () -> a.cluster().setDraining("../x", true));
        assertNull(a.client().checkExists().forPath("/drain/ghost"));
        assertEquals(List.of("node-a"), a.cluster().members().stream().map(Member::id).toList());
    }

    @Test
    void exactlyOneLeaderAndAnotherTakesOverWhenItLeaves() {
        ZkNode a = open("n1", "");
        ZkNode b = open("n2", "");
        ZkNode c = open("n3", "");
        List<ZkNode> all = List.of(a, b, c);
        await().atMost(WAIT).until(() -> all.stream().filter(n -> n.cluster().isLeader()).count() == 1
                && all.stream().allMatch(n -> n.cluster().members().stream().filter(Member::leader).count() == 1));
        ZkNode leader = all.stream().filter(n -> n.cluster().isLeader()).findFirst().orElseThrow();
        for (ZkNode n : all) {
            assertEquals(leader.cluster().nodeId(), n.cluster().status().get("leader"), "everyone sees the same leader");
            assertEquals(List.of(leader.cluster().nodeId()),
                    n.cluster().members().stream().filter(Member::leader).map(Member::id).toList());
        }
        leader.close();
        nodes.remove(leader);
        List<ZkNode> rest = all.stream().filter(n -> n != leader).toList();
        await().atMost(WAIT).until(() -> rest.stream().filter(n -> n.cluster().isLeader()).count() == 1);
        ZkNode next = rest.stream().filter(n -> n.cluster().isLeader()).findFirst().orElseThrow();
        await().atMost(WAIT).until(() -> rest.stream().allMatch(n -> n.cluster().status().get("leader").equals(next.cluster().nodeId())));
    }

    @Test
    void statusNamesConnectionSessionAndLeader() {
        ZkNode a = open("node-a", "lab");
        await().atMost(WAIT).until(() -> a.cluster().isLeader());
        Map<String, String> s = a.cluster().status();
        assertEquals(ZK.get().getConnectString(), s.get("connect"));
        assertEquals(namespace, s.get("namespace"));
        assertEquals("CONNECTED", s.get("state"));
        assertTrue(s.get("session").matches("0x[0-9a-f]+"), s.get("session"));
        assertTrue(s.get("session.timeout.ms").startsWith("4000"), s.get("session.timeout.ms"));
        assertEquals("node-a", s.get("leader"));
        assertEquals("true", s.get("is.leader"));
    }
}
