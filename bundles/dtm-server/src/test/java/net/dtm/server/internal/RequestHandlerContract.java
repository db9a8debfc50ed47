package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.Release;
import net.dtm.protocol.Renew;
import net.dtm.protocol.Transactions;

/** What RequestHandler must do, over any pool implementation. */
abstract class RequestHandlerContract {

    static final InetSocketAddress SOURCE = new InetSocketAddress("127.0.0.1", 40000);
    static final InetSocketAddress TUNNEL = new InetSocketAddress("192.0.2.1", 4789);

    /** A pool service of node A over a fresh, empty store. */
    protected abstract AddressPoolAdminService newPools() throws Exception;

    /** A pool service of another node B over the same store as {@link #newPools()}. */
    protected abstract AddressPoolAdminService otherNode() throws Exception;

    protected final Clock clock = Clock.systemUTC();
    protected final Map<DeviceId, byte[]> keys = new HashMap<>();
    protected CountingPools pools;
    protected RequestHandler handler;
    protected TestDevice device;

    @BeforeEach
    void setUpHandler() throws Exception {
        pools = new CountingPools(newPools());
        pools.createPool(Pool.of("demo", "10.64.0.0/24", 3600));
        pools.createPool(Pool.of("tiny", "10.99.0.0/30", 600));
        device = enrolled("smr-1");
        handler = handler("node-a", pools);
    }

    @AfterEach
    void tearDownHandler() throws Exception {
        closeStore();
    }

    protected void closeStore() throws Exception {
    }

    TestDevice enrolled(String id) {
        TestDevice d = new TestDevice(id);
        keys.put(d.id, d.key);
        return d;
    }

    RequestHandler handler(String node, AddressPoolAdminService p) {
        ServerSettings settings = new ServerSettings(node, new InetSocketAddress("127.0.0.1", 47800), TUNNEL,
                TunnelType.VXLAN, 1400, 10, "demo", List.of(new InetSocketAddress("127.0.0.1", 47800)));
        return new RequestHandler(settings, id -> Optional.ofNullable(keys.get(id)), p, clock);
    }

    static Establish establish(String pool) {
        return new Establish(TunnelType.VXLAN, pool, List.of(), Optional.empty());
    }

    Envelope send(TestDevice d, byte[] datagram) {
        Optional<byte[]> answer = handler.handle(datagram, SOURCE);
        assertTrue(answer.isPresent(), "expected an answer");
        Envelope e = d.open(answer.get());
        assertEquals(Direction.TO_DEVICE, e.direction());
        assertEquals(d.id, e.device());
        return e;
    }

    <T extends Message> T ask(TestDevice d, Message request, Class<T> expected) {
        long txid = Transactions.newId();
        Envelope e = send(d, d.request(txid, d.nextSequence(), request));
        assertEquals(txid, e.transactionId(), "answer carries the request's transaction id");
        return assertInstanceOf(expected, e.body(), () -> "got " + e.body());
    }

    long counter(String name) {
        return handler.counters().get(name);
    }

    @Test
    void establishConfirmRenewReleaseRoundTrip() throws Exception {
        Params params = ask(device, establish(""), Params.class);
        InetAddress address = params.parameters().innerAddress();
        assertEquals("demo", params.pool());
        assertTrue(Pool.of("demo", "10.64.0.0/24", 3600).prefix().contains(address));
        assertEquals(24, params.parameters().prefixLength());
        assertEquals(InetAddress.getByAddress(new byte[] {10, 64, 0, 1}).getHostAddress(),
                params.parameters().gateway().getHostAddress());
        assertEquals(TUNNEL, params.parameters().serverEndpoint());
        assertEquals(TunnelType.VXLAN, params.parameters().type());
        assertEquals(1400, params.parameters().mtu());
        assertEquals(10, params.parameters().keepaliveSeconds());
        assertEquals(3600, params.parameters().leaseSeconds());
        assertEquals("node-a", params.parameters().serverNodeId());
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 47800)), params.servers());
        assertEquals(LeaseState.LOCKED, pools.lease("demo", device.id).orElseThrow().state());

        Ack ack = ask(device, new Confirm("demo", address, params.leaseSequence()), Ack.class);
        assertEquals(MessageType.CONFIRM, ack.acknowledged());
        assertEquals(LeaseState.BOUND, pools.lease("demo", device.id).orElseThrow().state());

        // the device still quotes the sequence of its PARAMS: an older sequence of the same binding is fine
        Params renewed = ask(device, new Renew("demo", address, params.leaseSequence()), Params.class);
        assertEquals(address, renewed.parameters().innerAddress());
        assertTrue(renewed.parameters().leaseSeconds() > 3500 && renewed.parameters().leaseSeconds() <= 3600,
                "remaining lease time " + renewed.parameters().leaseSeconds());

        Ack released = ask(device, new Release("demo", address, renewed.leaseSequence()), Ack.class);
        assertEquals(MessageType.RELEASE, released.acknowledged());
        assertTrue(pools.lease("demo", device.id).map(l -> l.state() == LeaseState.RELEASED).orElse(true));

        assertEquals(2, counter("answered.params"));
        assertEquals(2, counter("answered.ack"));
        assertEquals(4, counter("received"));
    }

    @Test
    void sameDeviceAlwaysGetsTheSameAddressAlsoFromAnotherNode() throws Exception {
        Params first = ask(device, establish("demo"), Params.class);
        ask(device, new Confirm("demo", first.parameters().innerAddress(), first.leaseSequence()), Ack.class);
        TestDevice other = enrolled("smr-2");
        Params otherParams = ask(other, establish("demo"), Params.class);
        assertNotEquals(first.parameters().innerAddress(), otherParams.parameters().innerAddress());

        Params again = ask(device, establish("demo"), Params.class);
        assertEquals(first.parameters().innerAddress(), again.parameters().innerAddress());

        handler = handler("node-b", otherNode());
        Params fromB = ask(device, establish("demo"), Params.class);
        assertEquals(first.parameters().innerAddress(), fromB.parameters().innerAddress());
        assertEquals("node-b", fromB.parameters().serverNodeId());
    }

    @Test
    void unknownDeviceIsNotAnswered() {
        TestDevice stranger = new TestDevice("stranger");
        assertTrue(handler.handle(stranger.request(establish("")), SOURCE).isEmpty());
        assertEquals(1, counter("dropped.unknown-device"));
        assertEquals(0, pools.changes.get());
        assertTrue(pools.leases((String) null).isEmpty());
    }

    @Test
    void wrongKeyIsNotAnsweredAndCreatesNoLease() {
        TestDevice impostor = new TestDevice(device.id.value());   // same id, other key
        assertTrue(handler.handle(impostor.request(establish("")), SOURCE).isEmpty());
        assertEquals(1, counter("dropped.auth_failed"));
        assertEquals(0, pools.changes.get());
        assertTrue(pools.lease("demo", device.id).isEmpty());
        // and the real device's sequence space is untouched by the forgery
        ask(device, establish(""), Params.class);
    }

    @Test
    void replayOutsideTheWindowIsDropped() {
        byte[] old = device.request(Transactions.newId(), 1_000, establish(""));
        ask(device, establish(""), Params.class);                          // sequence far above 1000
        int before = pools.changes.get();
        assertTrue(handler.handle(old, SOURCE).isEmpty());
        assertEquals(1, counter("dropped.replay"));
        assertEquals(before, pools.changes.get());
    }

    @Test
    void replayedReleaseOutsideTheWindowChangesNothing() {
        Params p = ask(device, establish(""), Params.class);
        long seq = device.nextSequence();
        byte[] release = device.request(Transactions.newId(), seq, new Release("demo", p.parameters().innerAddress(), p.leaseSequence()));
        // the device moves on past the window before anyone replays its old datagram
        send(device, device.request(Transactions.newId(), seq + 5_000, establish("")));
        Lease before = pools.lease("demo", device.id).orElseThrow();
        assertTrue(handler.handle(release, SOURCE).isEmpty());
        assertEquals(before, pools.lease("demo", device.id).orElseThrow());
        assertEquals(1, counter("dropped.replay"));
    }

    @Test
    void duplicateCopyGetsIdenticalBytesAndAllocatesOnce() {
        byte[] request = device.request(establish(""));
        byte[] first = handler.handle(request, SOURCE).orElseThrow();
        byte[] second = handler.handle(request, new InetSocketAddress("127.0.0.2", 40001)).orElseThrow();
        assertArrayEquals(first, second);
        assertEquals(1, pools.allocations.get());
        assertEquals(1, counter("answered.duplicate"));
        assertEquals(1, counter("answered.params"));
    }

    @Test
    void aCapturedDatagramIsAnsweredAtMostEightTimesWhateverTheSources() {
        byte[] request = device.request(establish(""));
        int answered = 0;
        for (int i = 0; i < 10; i++) {
            answered += handler.handle(request, SOURCE).isPresent() ? 1 : 0;
        }
        for (int i = 0; i < 20; i++) {
            answered += handler.handle(request, new InetSocketAddress("127.0.1." + (i + 1), 40000)).isPresent() ? 1 : 0;
        }
        assertEquals(8, answered, "copies answered in all");
        assertEquals(1, pools.allocations.get());
    }

    @Test
    void retransmissionWithNewSequenceButSameTransactionGetsTheSameAnswer() {
        long txid = Transactions.newId();
        byte[] first = handler.handle(device.request(txid, device.nextSequence(), establish("")), SOURCE).orElseThrow();
        byte[] second = handler.handle(device.request(txid, device.nextSequence(), establish("")), SOURCE).orElseThrow();
        assertArrayEquals(first, second);
        assertEquals(1, pools.allocations.get());
    }

    @Test
    void concurrentCopiesAllocateOnceAndGetOneAnswer() throws Exception {
        pools.allocateGate = new CountDownLatch(1);
        long txid = Transactions.newId();
        long sequence = device.nextSequence();
        byte[] copy = device.request(txid, sequence, establish(""));
        byte[] otherSequence = device.request(txid, sequence + 1, establish(""));
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<byte[]>> a = threads.submit(() -> handler.handle(copy, SOURCE));
            pools.allocateEntered.await();
            // The first copy is held inside allocate(). The later copies return at once, holding no
            // thread, with futures that complete with the first copy's answer.
            java.util.concurrent.CompletableFuture<Optional<byte[]>> b = handler.handleAsync(copy, new InetSocketAddress("127.0.0.2", 1));
            java.util.concurrent.CompletableFuture<Optional<byte[]>> c = handler.handleAsync(otherSequence, new InetSocketAddress("127.0.0.3", 1));
            assertEquals(3, counter("received"));
            assertFalse(b.isDone() || c.isDone(), "no answer before the first copy's");
            pools.allocateGate.countDown();
            byte[] ra = a.get().orElseThrow();
            assertArrayEquals(ra, b.get(10, TimeUnit.SECONDS).orElseThrow());
            assertArrayEquals(ra, c.get(10, TimeUnit.SECONDS).orElseThrow());
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, pools.allocations.get());
        assertEquals(1, counter("answered.params"));
        assertEquals(2, counter("answered.duplicate"));
    }

    @Test
    void garbageTruncatedAndCorruptedDatagramsAreDroppedWithoutStateChange() {
        Random random = new Random(42);
        byte[] valid = device.request(establish(""));
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[random.nextInt(1400)];
            random.nextBytes(garbage);
            bad.add(garbage);
        }
        for (int len = 0; len < valid.length; len += 7) {
            bad.add(java.util.Arrays.copyOf(valid, len));
        }
        for (int bit = 0; bit < valid.length * 8; bit += 5) {
            byte[] flipped = valid.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            bad.add(flipped);
        }
        byte[] oversized = java.util.Arrays.copyOf(valid, Codec.MAX_DATAGRAM + 1);
        bad.add(oversized);
        for (byte[] datagram : bad) {
            assertTrue(handler.handle(datagram, SOURCE).isEmpty());
        }
        assertEquals(0, pools.changes.get());
        assertTrue(pools.leases((String) null).isEmpty());
        long dropped = handler.counters().snapshot().entrySet().stream()
                .filter(e -> e.getKey().startsWith("dropped.")).mapToLong(Map.Entry::getValue).sum();
        assertEquals(bad.size(), dropped);
        assertTrue(counter("dropped.auth_failed") > 0);
        assertTrue(counter("dropped.oversized") > 0 || counter("dropped.malformed") > 0);
        // the untouched datagram is still accepted afterwards
        assertInstanceOf(Params.class, send(device, valid).body());
    }

    @Test
    void answerToDeviceReflectedBackIsDropped() {
        byte[] answer = handler.handle(device.request(establish("")), SOURCE).orElseThrow();
        assertTrue(handler.handle(answer, SOURCE).isEmpty());
        assertEquals(1, counter("dropped.direction"));
    }

    @Test
    void poolExhaustedIsNakked() {
        ask(device, establish("tiny"), Params.class);                // /30 has one address for devices
        Nak nak = ask(enrolled("smr-2"), establish("tiny"), Nak.class);
        assertEquals(Reason.POOL_EXHAUSTED, nak.reason());
        assertEquals(1, counter("answered.nak"));
    }

    @Test
    void unknownPoolIsNakked() {
        assertEquals(Reason.NO_POOL, ask(device, establish("nope"), Nak.class).reason());
    }

    @Test
    void tunnelTypeNotOfferedIsNakkedWithoutAllocating() {
        Nak nak = ask(device, new Establish(TunnelType.GRE, "", List.of(), Optional.empty()), Nak.class);
        assertEquals(Reason.BAD_REQUEST, nak.reason());
        assertEquals(0, pools.allocations.get());
    }

    @Test
    void confirmOfAnotherAddressIsNakkedUnknownLease() throws Exception {
        Params p = ask(device, establish(""), Params.class);
        InetAddress wrong = InetAddress.getByName("10.64.0.200");
        assertEquals(Reason.UNKNOWN_LEASE, ask(device, new Confirm("demo", wrong, p.leaseSequence()), Nak.class).reason());
        assertEquals(LeaseState.LOCKED, pools.lease("demo", device.id).orElseThrow().state());
    }

    @Test
    void confirmWithoutLeaseIsNakkedUnknownLease() throws Exception {
        Nak nak = ask(device, new Confirm("demo", InetAddress.getByName("10.64.0.2"), 1), Nak.class);
        assertEquals(Reason.UNKNOWN_LEASE, nak.reason());
    }

    @Test
    void releaseQuotingASequenceTheLeaseNeverHadIsNakkedAndChangesNothing() {
        Params p = ask(device, establish(""), Params.class);
        Lease before = pools.lease("demo", device.id).orElseThrow();
        Nak nak = ask(device, new Release("demo", p.parameters().innerAddress(), before.sequence() + 10), Nak.class);
        assertEquals(Reason.UNKNOWN_LEASE, nak.reason());
        assertEquals(before, pools.lease("demo", device.id).orElseThrow());
    }

    @Test
    void renewOfReleasedLeaseIsNakked() {
        Params p = ask(device, establish(""), Params.class);
        InetAddress a = p.parameters().innerAddress();
        ask(device, new Confirm("demo", a, p.leaseSequence()), Ack.class);
        ask(device, new Release("demo", a, p.leaseSequence()), Ack.class);
        assertEquals(Reason.UNKNOWN_LEASE, ask(device, new Renew("demo", a, p.leaseSequence()), Nak.class).reason());
    }

    @Test
    void unexpectedFailureIsNakkedInternalAndRetriedOnRetransmission() {
        pools.failure.set(new IllegalStateException("boom"));
        long txid = Transactions.newId();
        Envelope e = send(device, device.request(txid, device.nextSequence(), establish("")));
        Nak nak = assertInstanceOf(Nak.class, e.body());
        assertEquals(Reason.INTERNAL, nak.reason());
        assertEquals("internal error", nak.text());

        pools.failure.set(null);
        Envelope retry = send(device, device.request(txid, device.nextSequence(), establish("")));
        assertInstanceOf(Params.class, retry.body());
        assertEquals(2, pools.allocations.get());
    }

    @Test
    void storeUnavailableIsNakkedAndNotCached() {
        pools.failure.set(new net.dtm.api.DtmException(Reason.STORE_UNAVAILABLE, "store down"));
        long txid = Transactions.newId();
        Nak nak = assertInstanceOf(Nak.class, send(device, device.request(txid, device.nextSequence(), establish(""))).body());
        assertEquals(Reason.STORE_UNAVAILABLE, nak.reason());
        pools.failure.set(null);
        assertInstanceOf(Params.class, send(device, device.request(txid, device.nextSequence(), establish(""))).body());
    }

    @Test
    void transientRefusalIsRetriedWhenTheSameDatagramComesAgain() {
        // The transport retransmits (and sends over other links) the very same bytes, so a copy
        // arriving after a transient refusal must be processed again, not dropped as a duplicate.
        pools.failure.set(new net.dtm.api.DtmException(Reason.STORE_UNAVAILABLE, "store down"));
        byte[] request = device.request(establish(""));
        assertEquals(Reason.STORE_UNAVAILABLE, assertInstanceOf(Nak.class, send(device, request).body()).reason());
        pools.failure.set(null);
        assertInstanceOf(Params.class, send(device, request).body());
        byte[] later = handler.handle(request, SOURCE).orElseThrow();   // a third copy: the cached PARAMS
        assertInstanceOf(Params.class, device.open(later).body());
        assertEquals(2, pools.allocations.get());
    }

    @Test
    void keyLookupFailureDropsSilently() {
        RequestHandler broken = new RequestHandler(handler.settings(), id -> {
            throw new IllegalStateException("store down");
        }, pools, clock);
        assertTrue(broken.handle(device.request(establish("")), SOURCE).isEmpty());
        assertEquals(1, broken.counters().get("dropped.key-lookup-failed"));
        assertEquals(0, pools.changes.get());
    }
}
