package net.dtm.cluster.tck;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.spi.cluster.ClockOffset;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;

/**
 * The suite every {@link Cluster} implementation must pass. Extend it in the implementation's test
 * sources and implement {@link #newCluster} and {@link #restart}; an implementation in which
 * several nodes take part also implements {@link #join} (the multi-node tests are skipped without
 * it).
 * <p>
 * The contract is stated by the javadoc of {@link Cluster} and {@link Member}: the node's id is
 * the configured one; the members include this node, registered; what it advertises and publishes
 * shows in its record; the draining flag is set and cleared (each call saying whether it changed
 * anything), visible to every member, durable across a restart, and refused for a node the
 * cluster does not know; exactly one live member holds the leadership (a node alone is its own
 * leader) and another takes over when it leaves; a node that left stays listed, not registered;
 * listeners hear of changes until removed; a connected node knows its clock's offset from the
 * store's time. Views may lag: every check of a view waits (bounded)
 * for it.
 */
public abstract class ClusterContract {

    /** The id of the node under test. */
    protected static final String SELF = "node-a";
    /** How long a view may take to show a change. */
    protected static final Duration WAIT = Duration.ofSeconds(20);

    /** The node under test (after {@link #restartCluster()} the restarted one). */
    protected Cluster cluster;
    private final List<Cluster> running = new ArrayList<>();

    /** A node with id {@code nodeId} in a fresh cluster (no records, no flags). */
    protected abstract Cluster newCluster(String nodeId) throws Exception;

    /**
     * Stops {@code current} as a node shutting down would and starts the same node again over the
     * same durable state (the same draining file, the same ensemble and namespace).
     */
    protected abstract Cluster restart(Cluster current) throws Exception;

    /**
     * Another node, {@code nodeId}, joining the cluster {@code first} is in; empty for an
     * implementation that is a cluster of one (the default).
     */
    protected Optional<Cluster> join(Cluster first, String nodeId) throws Exception {
        return Optional.empty();
    }

    /** Stops a node. Default: closes it if it is {@link AutoCloseable}. */
    protected void close(Cluster node) throws Exception {
        if (node instanceof AutoCloseable c) {
            c.close();
        }
    }

    @BeforeEach
    void startCluster() throws Exception {
        cluster = newCluster(SELF);
        assertNotNull(cluster, "newCluster() returned null");
        running.add(cluster);
    }

    @AfterEach
    void stopClusters() throws Exception {
        for (Cluster c : List.copyOf(running)) {
            stop(c);
        }
    }

    /** Stops a node started here. */
    protected void stop(Cluster node) throws Exception {
        if (running.remove(node)) {
            close(node);
        }
    }

    /** Restarts the node under test. */
    protected Cluster restartCluster() throws Exception {
        running.remove(cluster);
        cluster = restart(cluster);
        assertNotNull(cluster, "restart() returned null");
        running.add(cluster);
        return cluster;
    }

    /** A node joining the cluster under test; skips the test if the implementation is a cluster of one. */
    protected Cluster joined(String nodeId) throws Exception {
        Optional<Cluster> peer = join(cluster, nodeId);
        assumeTrue(peer.isPresent(), "a cluster of one: no other node can join");
        running.add(peer.get());
        return peer.get();
    }

    /** {@code viewer}'s member record of {@code id}. */
    protected static Optional<Member> member(Cluster viewer, String id) {
        return viewer.members().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Waits until {@code viewer} lists {@code id} and the record satisfies {@code test}; returns it. */
    protected static Member awaitMember(Cluster viewer, String id, Predicate<Member> test) {
        await().atMost(WAIT).until(() -> member(viewer, id).filter(test).isPresent());
        return member(viewer, id).orElseThrow();
    }

    private static List<InetSocketAddress> endpoints(int port) {
        return List.of(new InetSocketAddress(Cidr.parseLiteral("127.0.0.1"), port),
                new InetSocketAddress(Cidr.parseLiteral("::1"), port + 1));
    }

    // ---------------------------------------------------------------- identity and membership

    @Test
    void theNodeIdIsTheConfiguredOne() {
        assertEquals(SELF, cluster.nodeId());
        assertFalse(cluster.type() == null || cluster.type().isBlank(), "a type is named");
        assertNotNull(cluster.status(), "status() gives a map");
    }

    @Test
    void theNodeIsConnectedAndListedRegisteredUndrainedOnce() {
        await().atMost(WAIT).until(cluster::isConnected);
        Member self = awaitMember(cluster, SELF, Member::registered);
        assertFalse(self.draining());
        List<String> ids = cluster.members().stream().map(Member::id).toList();
        assertEquals(ids.stream().distinct().count(), ids.size(), "each node listed once: " + ids);
        assertEquals(ids.stream().sorted().toList(), ids, "members by id");
    }

    @Test
    void advertisedEndpointsAndPublishedFiguresShowInTheRecord() {
        Instant before = awaitMember(cluster, SELF, Member::registered).lastSeen();
        cluster.advertise(endpoints(47800));
        cluster.publish(42);
        Member self = awaitMember(cluster, SELF, m -> m.leasesServed() == 42 && m.endpoints().equals(endpoints(47800)));
        assertFalse(self.lastSeen().isBefore(before), "last seen never goes back");
        cluster.publish(7);
        awaitMember(cluster, SELF, m -> m.leasesServed() == 7);
        cluster.advertise(endpoints(47900));
        awaitMember(cluster, SELF, m -> m.endpoints().equals(endpoints(47900)) && m.leasesServed() == 7);
    }

    // ---------------------------------------------------------------- draining

    @Test
    void drainingIsSetAndClearedOnceAndVisible() {
        awaitMember(cluster, SELF, Member::registered);
        assertTrue(cluster.setDraining(SELF, true), "set");
        assertFalse(cluster.setDraining(SELF, true), "already set");
        Member drained = awaitMember(cluster, SELF, Member::draining);
        assertTrue(drained.registered(), "a drained node stays registered");
        assertTrue(cluster.setDraining(SELF, false), "cleared");
        assertFalse(cluster.setDraining(SELF, false), "already cleared");
        awaitMember(cluster, SELF, m -> !m.draining() && m.registered());
    }

    @Test
    void drainingIsDurableAcrossARestartUntilCleared() throws Exception {
        awaitMember(cluster, SELF, Member::registered);
        assertTrue(cluster.setDraining(SELF, true));
        restartCluster();
        assertEquals(SELF, cluster.nodeId());
        awaitMember(cluster, SELF, m -> m.registered() && m.draining());
        assertFalse(cluster.setDraining(SELF, true), "still set after the restart");
        assertTrue(cluster.setDraining(SELF, false));
        restartCluster();
        awaitMember(cluster, SELF, m -> m.registered() && !m.draining());
        assertFalse(cluster.setDraining(SELF, false), "still cleared after the restart");
    }

    @Test
    void drainingAnUnknownNodeIsRefusedAndChangesNothing() {
        awaitMember(cluster, SELF, Member::registered);
        for (boolean flag : new boolean[] {true, false}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cluster.setDraining("ghost-node", flag));
            assertTrue(e.getMessage() != null && e.getMessage().contains("ghost-node"), "the refusal names the node: " + e.getMessage());
        }
        assertTrue(member(cluster, "ghost-node").isEmpty(), "no record made for it");
        assertFalse(member(cluster, SELF).orElseThrow().draining());
    }

    // ---------------------------------------------------------------- clock

    /**
     * A connected node knows how far its clock is from the store's time, measured recently: the
     * test runs node and store on one machine, so the offset and its uncertainty are small.
     */
    @Test
    void aConnectedNodeKnowsItsClockOffsetFromTheStore() {
        await().atMost(WAIT).until(() -> cluster.clockOffset().isPresent());
        ClockOffset o = cluster.clockOffset().orElseThrow();
        assertTrue(o.worstCase().compareTo(Duration.ofSeconds(1)) < 0, "one machine, one clock: " + o);
        assertTrue(Duration.between(o.measuredAt(), Instant.now()).abs().compareTo(Duration.ofMinutes(1)) < 0,
                "measured recently: " + o);
    }

    // ---------------------------------------------------------------- leadership

    @Test
    void aNodeAloneIsItsOwnLeader() {
        await().atMost(WAIT).until(() -> cluster.isLeader()
                && cluster.members().stream().filter(Member::leader).map(Member::id).toList().equals(List.of(SELF)));
    }

    @Test
    void exactlyOneLiveMemberLeadsAndAnotherTakesOverWhenItLeaves() throws Exception {
        List<Cluster> all = List.of(cluster, joined("node-b"), joined("node-c"));
        await().atMost(WAIT).until(() -> all.stream().filter(Cluster::isLeader).count() == 1
                && all.stream().allMatch(n -> leaders(n).size() == 1 && n.members().stream().filter(Member::registered).count() == 3));
        Cluster leader = all.stream().filter(Cluster::isLeader).findFirst().orElseThrow();
        for (Cluster n : all) {
            assertEquals(List.of(leader.nodeId()), leaders(n), "every node sees the same leader");
        }
        stop(leader);
        List<Cluster> rest = all.stream().filter(n -> n != leader).toList();
        await().atMost(WAIT).until(() -> rest.stream().filter(Cluster::isLeader).count() == 1);
        String next = rest.stream().filter(Cluster::isLeader).findFirst().orElseThrow().nodeId();
        assertFalse(next.equals(leader.nodeId()));
        await().atMost(WAIT).until(() -> rest.stream().allMatch(n -> leaders(n).equals(List.of(next))));
    }

    private static List<String> leaders(Cluster viewer) {
        return viewer.members().stream().filter(Member::leader).map(Member::id).toList();
    }

    // ---------------------------------------------------------------- several nodes

    @Test
    void nodesSeeEachOtherAndTheirDrainFlagsAndALeftNodeStaysListedNotRegistered() throws Exception {
        Cluster b = joined("node-b");
        awaitMember(cluster, "node-b", Member::registered);
        awaitMember(b, SELF, Member::registered);
        b.publish(5);
        awaitMember(cluster, "node-b", m -> m.leasesServed() == 5);

        assertTrue(cluster.setDraining("node-b", true), "any member may be drained by any node");
        awaitMember(b, "node-b", Member::draining);
        assertTrue(b.setDraining("node-b", false));
        awaitMember(cluster, "node-b", m -> !m.draining());

        stop(b);
        Member gone = awaitMember(cluster, "node-b", m -> !m.registered());
        assertEquals(5, gone.leasesServed(), "listed with what it last published");
        assertTrue(cluster.setDraining("node-b", true), "a node that left can still be drained");
        awaitMember(cluster, "node-b", m -> m.draining() && !m.registered());
    }

    // ---------------------------------------------------------------- listeners

    @Test
    void listenersHearOfChangesUntilRemoved() {
        await().atMost(WAIT).until(() -> cluster.isConnected() && cluster.isLeader()
                && member(cluster, SELF).map(Member::registered).orElse(false));
        AtomicInteger removedCalls = new AtomicInteger();
        AtomicBoolean removedSawDrain = new AtomicBoolean();
        AtomicBoolean keptSawDrain = new AtomicBoolean();
        AtomicBoolean keptSawUndrain = new AtomicBoolean();
        Runnable removed = () -> {
            removedCalls.incrementAndGet();
            if (member(cluster, SELF).map(Member::draining).orElse(false)) {
                removedSawDrain.set(true);
            }
        };
        Runnable kept = () -> {
            boolean draining = member(cluster, SELF).map(Member::draining).orElse(false);
            (draining ? keptSawDrain : keptSawUndrain).set(true);
        };
        cluster.addListener(removed);
        cluster.addListener(kept);
        assertTrue(cluster.setDraining(SELF, true));
        await().atMost(WAIT).until(() -> removedSawDrain.get() && keptSawDrain.get());

        cluster.removeListener(removed);
        int callsBefore = removedCalls.get();
        keptSawUndrain.set(false);
        assertTrue(cluster.setDraining(SELF, false));
        await().atMost(WAIT).until(keptSawUndrain::get);
        assertEquals(callsBefore, removedCalls.get(), "a removed listener is not called");
        cluster.removeListener(kept);
        cluster.removeListener(kept); // removing twice is harmless
    }
}
