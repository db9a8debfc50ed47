package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.spi.cluster.Member;

/** Membership, drain flags and leadership of {@link ZkCluster} on a test server (a fresh namespace per test). */
class ZkClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static TestingServer server;
    private final List<ZkNode> nodes = new ArrayList<>();
    private String namespace;

    @BeforeAll
    static void startServer() throws Exception {
        server = ZkTesting.server();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

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
        ZkNode n = ZkNode.open(ZkTesting.settings(server, namespace, id).withSite(site));
        nodes.add(n);
        return n;
    }

    private static Optional<Member> member(ZkNode viewer, String id) {
        return viewer.cluster().members().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    private static boolean registered(ZkNode viewer, String id) {
        return member(viewer, id).map(Member::registered).orElse(false);
    }

    @Test
    void nodesRegisterPublishAndDisappearWhenClosed() throws Exception {
        ZkNode a = open("node-a", "site-1");
        ZkNode b = open("node-b", "site-2");
        await().atMost(WAIT).until(() -> registered(a, "node-a") && registered(a, "node-b") && registered(b, "node-a"));
        assertEquals("zookeeper", a.cluster().type());
        assertEquals("node-a", a.cluster().nodeId());
        assertTrue(a.cluster().isConnected());

        Instant before = member(b, "node-a").orElseThrow().lastSeen();
        List<InetSocketAddress> endpoints = List.of(new InetSocketAddress(Cidr.parseLiteral("127.0.0.1"), 47800),
                new InetSocketAddress(Cidr.parseLiteral("::1"), 47801));
        a.cluster().advertise(endpoints);
        a.cluster().publish(42);
        await().atMost(WAIT).until(() -> member(b, "node-a").map(m -> m.leasesServed() == 42).orElse(false));
        Member seen = member(b, "node-a").orElseThrow();
        assertEquals(endpoints, seen.endpoints());
        assertEquals("site-1", seen.site());
        assertFalse(seen.draining());
        assertFalse(seen.lastSeen().isBefore(before), "publishing rewrites the record: its mtime is the last-seen time");
        assertEquals("site-2", member(a, "node-b").orElseThrow().site());

        CountDownLatch told = new CountDownLatch(1);
        a.cluster().addListener(told::countDown);
        b.close();
        nodes.remove(b);
        assertTrue(told.await(15, TimeUnit.SECONDS), "listener called when a node leaves");
        await().atMost(WAIT).until(() -> member(a, "node-b").isEmpty());
        assertNull(a.client().checkExists().forPath("/nodes/node-b"), "the ephemeral registration is gone");
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
        assertEquals(server.getConnectString(), s.get("connect"));
        assertEquals(namespace, s.get("namespace"));
        assertEquals("CONNECTED", s.get("state"));
        assertTrue(s.get("session").matches("0x[0-9a-f]+"), s.get("session"));
        assertTrue(s.get("session.timeout.ms").startsWith("4000"), s.get("session.timeout.ms"));
        assertEquals("node-a", s.get("leader"));
        assertEquals("true", s.get("is.leader"));
    }
}
