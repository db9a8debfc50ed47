package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.EnrolCodec;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolReply.Status;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Params;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.RouterKeyPair;
import net.dtm.api.fakes.SettableClock;

/** ENROL datagrams through the request handler: the defences of the exchange on the wire. */
class EnrolRequestTest {

    static final InetSocketAddress LINK_A = new InetSocketAddress("192.0.2.10", 40000);
    static final InetSocketAddress LINK_B = new InetSocketAddress("198.51.100.20", 40001);
    static final InetSocketAddress LINK_C = new InetSocketAddress("203.0.113.30", 40002);
    private static final Instant START = Instant.parse("2026-12-03T10:00:00Z");

    private final SettableClock clock = new SettableClock(START);
    private final FakeEnrolmentKeyStore keyStore = new FakeEnrolmentKeyStore();
    private final CountingDeviceStore deviceStore = new CountingDeviceStore(new FakeDeviceStore());
    private final DeviceManager devices = new DeviceManager(deviceStore, clock);
    private final EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
    private final TestRouter router = new TestRouter("bus-0001");
    private FakePools pools;
    private RequestHandler handler;

    @BeforeEach
    void setUp() {
        pools = new FakePools(clock);
        pools.createPool(Pool.of("demo", "10.64.0.0/24", 3600));
        handler = handler(EnrolSettings.DEFAULTS);
    }

    private RequestHandler handler(EnrolSettings limits) {
        ServerSettings settings = new ServerSettings("node-a", new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), TunnelType.VXLAN, 1400, 10, "demo", List.of());
        RequestHandler h = RequestHandler.withDevices(settings, devices, pools, clock, new Counters(),
                RequestHandler.DEFAULT_ANSWER_TTL, 1024, null);
        h.enrolLimits(limits);
        h.enrolment(keyStore, devices);
        return h;
    }

    private EnrolmentKey key(EnrolmentToken t, int maxUses) {
        EnrolmentKey key = new EnrolmentKey(t.id(), t.verifier(), t.replyKey(), "depot", "bus-*", "demo", maxUses, 0, START,
                START.plus(Duration.ofDays(30)), false);
        assertTrue(keyStore.add(key));
        keyStore.writes.set(0);
        return key;
    }

    private int uses() {
        return keyStore.keys.get(token.id()).uses();
    }

    private long counter(String name) {
        return handler.counters().get(name);
    }

    private EnrolReply enrol(TestRouter r, byte[] datagram, InetSocketAddress from) {
        return r.open(datagram, handler.handle(datagram, from).orElseThrow(() -> new AssertionError("no reply")));
    }

    @Test
    void withoutAnEnrolmentKeyStoreEnrolIsDroppedAndCounted() {
        handler.enrolment(null, null);
        key(0);
        assertTrue(handler.handle(router.enrol(token), LINK_A).isEmpty());
        assertTrue(handler.handle(router.enrol(token), LINK_A).isEmpty());
        assertEquals(2, counter("dropped.enrol-off"));
        assertEquals(0, keyStore.finds.get());
    }

    private EnrolmentKey key(int maxUses) {
        return key(token, maxUses);
    }

    @Test
    void anEnrolledRouterEstablishesWithTheGrantedKey() {
        key(1);
        EnrolReply reply = enrol(router, router.enrol(token), LINK_A);
        assertEquals(Status.GRANTED, reply.status());
        assertEquals("demo", reply.pool());
        assertTrue(reply.keyUsedUp(), "a single-use key is used up: the router may delete its token");
        assertEquals(1, counter("enrol.granted"));
        TestDevice device = new TestDevice(router.id, reply.deviceKey());
        byte[] establish = device.request(new Establish(TunnelType.VXLAN, reply.pool(), List.of(), Optional.empty()));
        assertInstanceOf(Params.class, device.open(handler.handle(establish, LINK_A).orElseThrow()).body());
    }

    @Test
    void noBitFlipOfAnEnrolGetsAnythingOrWritesAnything() {
        handler = handler(new EnrolSettings(1e9, 1_000_000, 1e9, 1_000_000));
        key(0);
        byte[] genuine = router.enrol(token);
        // every byte, and every bit position across them (each forged reply costs a signature
        // check and a sealing: all 8 bits of every byte would take seconds)
        for (int i = 0; i < genuine.length; i++) {
            int bit = i % 8;
            byte[] flipped = genuine.clone();
            flipped[i] ^= (byte) (1 << bit);
            Optional<byte[]> reply = handler.handle(flipped, LINK_A);
            if (reply.isPresent()) {
                assertNotGranted(reply.get(), flipped, "bit " + bit + " of byte " + i);
            }
        }
        assertEquals(0, deviceStore.writes.get(), "no device written");
        assertEquals(0, keyStore.writes.get(), "no use counted");
        assertTrue(counter("enrol.refused.bad-signature") > 0);
        assertEquals(Status.GRANTED, enrol(router, genuine, LINK_A).status(), "the genuine one still enrols");
    }

    /** A reply to a forged request: it opens only (if at all) as a refusal. */
    private void assertNotGranted(byte[] reply, byte[] forged, String what) {
        EnrolRequest request = TestRouter.request(forged);
        if (!Arrays.equals(request.routerKey(), router.keys.publicKey())) {
            return;   // sealed to a router key the flip made up, whose private half nobody has
        }
        try {
            EnrolReply opened = EnrolCodec.decodeReply(reply, request, router.keys, token.replyKey());
            assertTrue(opened.status() != Status.GRANTED, what + " was granted");
        } catch (ProtocolException e) {
            throw new AssertionError(what + ": the router cannot open the reply to its own key", e);
        }
    }

    @Test
    void noTruncationOfAnEnrolGetsAnythingOrWritesAnything() {
        handler = handler(new EnrolSettings(1e9, 1_000_000, 1e9, 1_000_000));
        key(0);
        byte[] genuine = router.enrol(token);
        for (int length = 0; length < genuine.length; length++) {
            byte[] cut = Arrays.copyOf(genuine, length);
            assertTrue(handler.handle(cut, LINK_A).isEmpty(), "truncated to " + length);
        }
        assertEquals(0, deviceStore.writes.get());
        assertEquals(0, keyStore.finds.get(), "dropped before any store read");
    }

    @Test
    void aReplayedEnrolGivesTheAttackerNothingAndConsumesNoUse() {
        key(1);
        byte[] captured = router.enrol(token);
        byte[] granted = enrol(router, captured, LINK_A).deviceKey();
        clock.advance(EnrolPath.REPLY_TTL.plusSeconds(1));    // decided afresh, not from the reply cache

        byte[] replayed = handler.handle(captured, LINK_B).orElseThrow();
        RouterKeyPair attacker = RouterKeyPair.generate();
        EnrolRequest sent = TestRouter.request(captured);
        EnrolRequest claimed = new EnrolRequest(sent.device(), sent.transactionId(), sent.sequence(), sent.keyId(),
                sent.enrolPublicKey(), attacker.publicKey());
        assertThrows(ProtocolException.class, () -> EnrolCodec.decodeReply(replayed, claimed, attacker, token.replyKey()),
                "only the router can open the reply");
        assertArrayEquals(granted, router.open(captured, replayed).deviceKey(), "the router's own credential again");
        assertEquals(1, uses(), "no use consumed");
        assertEquals(1, counter("enrol.again"));

        devices.remove(router.id);
        clock.advance(EnrolPath.REPLY_TTL.plusSeconds(1));
        int deviceWrites = deviceStore.writes.get();
        assertEquals(Status.REFUSED, enrol(router, captured, LINK_C).status());
        assertEquals(1, counter("enrol.refused.used-up"));
        assertTrue(deviceStore.find(router.id).isEmpty(), "the replay enrolled nothing");
        assertEquals(deviceWrites, deviceStore.writes.get());
    }

    @Test
    void copiesOverThreeLinksShareOneDecisionOneWriteOneUseAndOneReply() throws Exception {
        key(0);
        CountDownLatch inAdd = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EnrolledDevices slow = new ForwardingEnrolledDevices(devices) {
            @Override
            public boolean addEnrolled(DeviceCredential credential) {
                inAdd.countDown();
                try {
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return super.addEnrolled(credential);
            }
        };
        handler.enrolment(keyStore, slow);
        byte[] datagram = router.enrol(token);
        CompletableFuture<Optional<byte[]>> first = CompletableFuture.supplyAsync(() -> handler.handle(datagram, LINK_A));
        assertTrue(inAdd.await(10, TimeUnit.SECONDS));
        List<CompletableFuture<Optional<byte[]>>> copies = new ArrayList<>();
        copies.add(handler.handleAsync(datagram, LINK_B));
        copies.add(handler.handleAsync(datagram, LINK_C));
        assertFalse(copies.get(0).isDone(), "a copy waits for the first one's decision");
        release.countDown();
        byte[] reply = first.get(10, TimeUnit.SECONDS).orElseThrow();
        for (CompletableFuture<Optional<byte[]>> copy : copies) {
            assertArrayEquals(reply, copy.get(10, TimeUnit.SECONDS).orElseThrow(), "the very same reply bytes");
        }
        assertEquals(Status.GRANTED, router.open(datagram, reply).status());
        assertEquals(1, deviceStore.writes.get(), "one store write");
        assertEquals(1, uses(), "one use");
        assertEquals(1, keyStore.writes.get());
        assertEquals(1, counter("enrol.granted"));
        assertEquals(2, counter("answered.duplicate"));
    }

    @Test
    void onlyAGrantedDeviceIsToldToTheNodeForPriority() {
        List<net.dtm.api.DeviceId> told = new ArrayList<>();
        handler.onEnrolGrant(told::add);
        key(1);
        TestRouter outside = new TestRouter("tram-0001");
        assertEquals(Status.REFUSED, enrol(outside, outside.enrol(token), LINK_A).status());
        keyStore.failing = true;
        assertEquals(Status.TRY_LATER, enrol(router, router.enrol(token), LINK_A).status());
        keyStore.failing = false;
        assertEquals(List.of(), told, "a refused or deferred id gets no priority");
        assertEquals(Status.GRANTED, enrol(router, router.enrol(token), LINK_A).status());
        assertEquals(List.of(router.id), told);
        assertEquals(Status.GRANTED, enrol(router, router.enrol(token), LINK_B).status());   // again, nothing written
        assertEquals(List.of(router.id, router.id), told);
        TestRouter second = new TestRouter("bus-0002");
        assertEquals(Status.REFUSED, enrol(second, second.enrol(token), LINK_C).status());   // used up
        assertEquals(List.of(router.id, router.id), told);
    }

    @Test
    void aFloodFromOneSourceIsDroppedWhileAnotherSourceEnrols() {
        handler = handler(new EnrolSettings(0.001, 5, 1e9, 1_000_000));
        key(0);
        for (int i = 0; i < 20; i++) {
            handler.handle(new TestRouter("bus-f" + i).enrol(token), LINK_A);
        }
        assertEquals(15, counter("dropped.enrol-rate"));
        assertEquals(5, counter("answered.enrol_reply"));
        assertEquals(Status.GRANTED, enrol(router, router.enrol(token), LINK_B).status());
    }

    @Test
    void copiesOfAnAnsweredEnrolTakeNoTokenAndDroppedOnesLeaveNothingCached() {
        handler = handler(new EnrolSettings(0.001, 2, 1e9, 1_000_000));
        key(0);
        byte[] datagram = router.enrol(token);
        byte[] reply = handler.handle(datagram, LINK_A).orElseThrow();
        for (int i = 0; i < 5; i++) {   // retransmitted, over the same source
            assertArrayEquals(reply, handler.handle(datagram, LINK_A).orElseThrow());
        }
        assertEquals(0, counter("dropped.enrol-rate"), "copies took no token");
        assertEquals(5, counter("answered.duplicate"));
        assertEquals(1, handler.cachedEnrolReplies());
        for (int i = 0; i < 10; i++) {
            handler.handle(new TestRouter("bus-g" + i).enrol(token), LINK_A);
        }
        assertEquals(9, counter("dropped.enrol-rate"), "the source's second token went to the first new datagram");
        assertEquals(2, handler.cachedEnrolReplies(), "the dropped ones are not kept");
    }

    @Test
    void aFloodNamingOneKeyIsDroppedWhileAnotherKeyEnrols() {
        handler = handler(new EnrolSettings(1e9, 1_000_000, 0.001, 5));
        key(0);
        EnrolmentToken otherToken = EnrolmentToken.generate(new SecureRandom());
        key(otherToken, 0);
        for (int i = 0; i < 20; i++) {
            handler.handle(new TestRouter("bus-f" + i).enrol(token), new InetSocketAddress("10.9.0." + (i + 1), 5000));
        }
        assertEquals(15, counter("dropped.enrol-rate"));
        int reads = keyStore.finds.get();
        assertEquals(Status.GRANTED, enrol(router, router.enrol(otherToken), LINK_A).status());
        assertEquals(reads + 1, keyStore.finds.get(), "the dropped ones cost no read");
    }

    @Test
    void aStoreFailureIsDeferredAndTheNextCopyDecidedAfresh() {
        key(0);
        byte[] datagram = router.enrol(token);
        keyStore.failing = true;
        assertEquals(Status.TRY_LATER, enrol(router, datagram, LINK_A).status());
        assertEquals(1, counter("enrol.try-later"));
        keyStore.failing = false;
        assertEquals(Status.GRANTED, enrol(router, datagram, LINK_B).status());
    }

    @Test
    void aReplacedRoutersKeyWorksAndTheOldOnesNoLonger() {
        key(0);
        TestDevice old = new TestDevice(router.id, enrol(router, router.enrol(token), LINK_A).deviceKey());
        Establish establish = new Establish(TunnelType.VXLAN, "demo", List.of(), Optional.empty());
        assertInstanceOf(Params.class, old.open(handler.handle(old.request(establish), LINK_A).orElseThrow()).body());

        TestRouter replacement = new TestRouter(router.id.value());
        assertEquals(Status.REFUSED, enrol(replacement, replacement.enrol(token), LINK_B).status(), "not allowed yet");
        devices.allowReenrolment(router.id, Duration.ofHours(1));
        EnrolReply reply = enrol(replacement, replacement.enrol(token), LINK_B);
        assertEquals(Status.GRANTED, reply.status());
        assertEquals(1, counter("enrol.replaced"));

        TestDevice fresh = new TestDevice(router.id, reply.deviceKey());
        assertInstanceOf(Params.class, fresh.open(handler.handle(fresh.request(establish), LINK_B).orElseThrow()).body());
        assertTrue(handler.handle(old.request(establish), LINK_A).isEmpty(), "the old router's key no longer works");
    }

    @Test
    void aKeyFetchAfterAnOperatorsRekeyGivesTheNewKeyOnlyWithTheAllowance() {
        key(1);
        enrol(router, router.enrol(token), LINK_A);
        byte[] rekeyed = devices.rekey(router.id, Duration.ZERO).key();
        byte[] fetch = router.enrol(null);
        assertEquals(Status.REFUSED, enrol(router, fetch, LINK_A).status());
        assertEquals(1, counter("enrol.refused.no-allowance"));

        devices.allowReenrolment(router.id, Duration.ofHours(1));
        byte[] again = router.enrol(null);
        EnrolReply fetched = enrol(router, again, LINK_B);
        assertEquals(Status.GRANTED, fetched.status());
        assertArrayEquals(rekeyed, fetched.deviceKey());
        assertEquals(1, counter("enrol.fetched"));
        TestDevice device = new TestDevice(router.id, fetched.deviceKey());
        Establish establish = new Establish(TunnelType.VXLAN, "demo", List.of(), Optional.empty());
        assertInstanceOf(Params.class, device.open(handler.handle(device.request(establish), LINK_B).orElseThrow()).body());
    }

    @Test
    void aDegradedOrDrainingNodeAnswersTryLaterWithoutTouchingTheStore() {
        key(0);
        FakeCluster cluster = new FakeCluster("node-a").put("node-a", "site-1", 47800, true, false);
        ServerSettings settings = new ServerSettings("node-a", new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), TunnelType.VXLAN, 1400, 10, "demo", List.of());
        handler = RequestHandler.withDevices(settings, devices, pools, clock, new Counters(),
                RequestHandler.DEFAULT_ANSWER_TTL, 1024, cluster);
        handler.enrolment(keyStore, devices);
        cluster.connected = false;
        assertEquals(Status.TRY_LATER, enrol(router, router.enrol(token), LINK_A).status());
        cluster.connected = true;
        cluster.setDraining("node-a", true);
        handler.clusterView().invalidate();
        assertEquals(Status.TRY_LATER, enrol(router, router.enrol(token), LINK_A).status());
        assertEquals(2, counter("enrol.try-later"));
        assertEquals(0, keyStore.finds.get());
        cluster.setDraining("node-a", false);
        handler.clusterView().invalidate();
        assertEquals(Status.GRANTED, enrol(router, router.enrol(token), LINK_A).status());
    }
}
