package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Message;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.Release;
import net.dtm.protocol.Renew;
import net.dtm.protocol.Transactions;
import net.dtm.store.derby.DerbyStore;

/**
 * Captured requests replayed at another node on the same store, and at a restarted node (fresh
 * replay windows): the persisted per-device mark and the exact lease instance refuse them, nothing
 * changes, and the real device keeps working. Every renewal writes here (threshold 1), so a replayed
 * RENEW or CONFIRM that were applied would show as a changed binding.
 */
class ReplayAcrossNodesTest {

    private static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 40000);

    @TempDir
    Path dir;

    private DerbyStore store;
    private final Map<DeviceId, byte[]> keys = new HashMap<>();
    private final TestDevice device = new TestDevice("smr-replay");
    private RequestHandler nodeA;
    private RequestHandler nodeB;
    private PoolManager pools;

    @BeforeEach
    void start() {
        store = new DerbyStore(dir.resolve("db"));
        keys.put(device.id, device.key);
        pools = manager("node-a");
        pools.createPool(Pool.of("demo", "10.64.0.0/24", 3600));
        nodeA = handler("node-a", pools);
        nodeB = handler("node-b", manager("node-b"));
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private PoolManager manager(String node) {
        return new PoolManager(store, node, Clock.systemUTC(), PoolSettings.of(Duration.ofSeconds(30), 1.0), null);
    }

    private RequestHandler handler(String node, PoolManager p) {
        return handler(node, p, Clock.systemUTC());
    }

    private RequestHandler handler(String node, PoolManager p, Clock clock) {
        ServerSettings settings = new ServerSettings(node, new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), TunnelType.VXLAN, 1400, 10, "demo", List.of());
        return new RequestHandler(settings, id -> Optional.ofNullable(keys.get(id)), p, clock);
    }

    /** A node restarted: new pool manager and handler (empty replay window) on the same store. */
    private RequestHandler restarted(String node) {
        return handler(node, manager(node));
    }

    private Optional<Message> answer(RequestHandler node, byte[] datagram) {
        return node.handle(datagram, SOURCE).map(a -> device.open(a).body());
    }

    private <T extends Message> T ask(RequestHandler node, byte[] datagram, Class<T> expected) {
        Message m = answer(node, datagram).orElseThrow(() -> new AssertionError("no answer"));
        return assertInstanceOf(expected, m, () -> "got " + m);
    }

    private byte[] request(int version, Message body) {
        return device.request(version, Transactions.newId(), device.nextSequence(), body);
    }

    private Lease binding() {
        return store.findByDevice("demo", device.id).orElseThrow();
    }

    private Params establishAndConfirm(RequestHandler node) {
        Params p = ask(node, request(1, new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty())), Params.class);
        ask(node, request(1, new Confirm("demo", p.parameters().innerAddress(), p.leaseSequence())), Ack.class);
        return p;
    }

    /** The replayed datagram changes nothing at {@code node}: the binding is exactly as before. */
    private void changesNothing(RequestHandler node, byte[] captured) {
        Lease before = binding();
        Optional<Message> got = answer(node, captured);
        assertEquals(before, binding(), "binding, state, expiry and sequence unchanged");
        got.ifPresent(m -> assertTrue(m instanceof Nak, "at most a refusal: " + m));
    }

    @Test
    void capturedRenewAndConfirmReplayedAtAnotherNodeOrAfterARestartDoNotKeepTheLeaseAlive() {
        Params p = ask(nodeA, request(1, new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty())), Params.class);
        byte[] confirm = request(1, new Confirm("demo", p.parameters().innerAddress(), p.leaseSequence()));
        ask(nodeA, confirm, Ack.class);
        byte[] renew = request(1, new Renew("demo", p.parameters().innerAddress(), p.leaseSequence()));
        ask(nodeA, renew, Params.class);
        // the device renews once more, then leaves
        ask(nodeA, request(1, new Renew("demo", p.parameters().innerAddress(), p.leaseSequence())), Params.class);

        changesNothing(nodeB, confirm);
        changesNothing(nodeB, renew);
        RequestHandler restartedA = restarted("node-a");
        changesNothing(restartedA, confirm);
        changesNothing(restartedA, renew);
        assertEquals(4, nodeB.counters().get("dropped.replay") + restartedA.counters().get("dropped.replay"),
                "version 1 requests: a replay stays unanswered");

        // the real device keeps working, on any node
        Lease before = binding();
        ask(nodeB, request(1, new Renew("demo", p.parameters().innerAddress(), p.leaseSequence())), Params.class);
        assertTrue(binding().expiresAt().isAfter(before.expiresAt()) || binding().sequence() > before.sequence(),
                "renewed");
        assertEquals(LeaseState.BOUND, binding().state());
    }

    @Test
    void aCapturedReleaseOfAnEarlierInstanceReplayedElsewhereOrAfterARestartReleasesNothing() {
        Params p = establishAndConfirm(nodeA);
        byte[] release = request(1, new Release("demo", p.parameters().innerAddress(), p.leaseSequence()));
        ask(nodeA, release, Ack.class);
        assertEquals(LeaseState.RELEASED, binding().state());
        long firstInstance = binding().instance();

        // the device comes back: the same address, a new instance of its binding
        Params again = establishAndConfirm(nodeA);
        assertEquals(p.parameters().innerAddress(), again.parameters().innerAddress());
        assertTrue(binding().instance() > firstInstance, "a new tenancy");
        assertEquals(LeaseState.BOUND, binding().state());

        changesNothing(nodeB, release);
        changesNothing(restarted("node-a"), release);
        changesNothing(restarted("node-b"), release);
        assertEquals(LeaseState.BOUND, binding().state(), "the current lease is still held");

        // and the device can still release it itself
        ask(nodeB, request(1, new Release("demo", again.parameters().innerAddress(), again.leaseSequence())), Ack.class);
        assertEquals(LeaseState.RELEASED, binding().state());
    }

    @Test
    void aCopyOfAnAppliedRequestAtAnotherNodeIsAnsweredWithoutAWrite() {
        Params p = ask(nodeA, request(1, new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty())), Params.class);
        byte[] confirm = request(1, new Confirm("demo", p.parameters().innerAddress(), p.leaseSequence()));
        ask(nodeA, confirm, Ack.class);
        Lease before = binding();
        ask(nodeB, confirm, Ack.class); // the same datagram over another link to another node
        assertEquals(before, binding(), "applied once");
    }

    @Test
    void aVersion3ReplayGetsOneResyncNakWithTheMark() throws Exception {
        Params p = ask(nodeA, request(3, new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty())), Params.class);
        byte[] renew = request(3, new Renew("demo", p.parameters().innerAddress(), p.leaseSequence()));
        ask(nodeA, request(3, new Confirm("demo", p.parameters().innerAddress(), p.leaseSequence())), Ack.class);
        long mark = binding().deviceSequence();
        Lease before = binding();

        // stopped time: the copy below comes within the 100 ms of the first NAK however slow the machine
        RequestHandler restartedA = handler("node-a", manager("node-a"), Clock.fixed(Instant.now(), ZoneOffset.UTC));
        Nak nak = ask(restartedA, renew, Nak.class);
        assertEquals(Reason.STALE_SEQUENCE, nak.reason());
        assertEquals(mark, nak.sequenceMark(), "the store's mark");
        assertEquals(before, binding());
        // copies within 100 ms get nothing more
        assertTrue(restartedA.handle(renew, SOURCE).isEmpty());
        assertEquals(1, restartedA.counters().get("dropped.replay"));

        // the window's verdict is told likewise: far below what node A has seen
        byte[] ancient = device.request(3, Transactions.newId(), mark - 5_000, new Renew("demo",
                p.parameters().innerAddress(), p.leaseSequence()));
        Envelope e = device.open(nodeA.handle(ancient, SOURCE).orElseThrow());
        assertEquals(Codec.RESYNC_VERSION, e.version());
        assertEquals(mark, ((Nak) e.body()).sequenceMark(), "the highest number node A has seen");
        assertEquals(before, binding());
    }
}
