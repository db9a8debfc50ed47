package net.dtm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.protocol.EnrolCodec;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.RouterKeyPair;
import net.dtm.transport.MultiLinkTransport;

/** The enrolment exchange against fake servers built from EnrolCodec, on loopback through emulated links. */
class EnrollerTest {

    static final DeviceId DEVICE = DeviceId.of("bus-0042");
    static final Enroller.Timing FAST = new Enroller.Timing(Duration.ofMillis(800), Duration.ofMillis(50),
            Duration.ofMillis(200), Duration.ofMillis(150));

    private final EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
    private final RouterKeyPair router = RouterKeyPair.generate();
    private AgentRig rig;
    private ScheduledExecutorService ses;
    private MultiLinkTransport transport;
    private EmulatedLink firstLink;

    @BeforeEach
    void setUp() {
        rig = new AgentRig();
        ses = rig.ses;
        transport = rig.transport;
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    private FakeServer server(String node) throws IOException {
        FakeServer s = rig.server(TunnelAgentTest.KEY, node);
        s.replyKey = token.replyKey();
        return s;
    }

    private void link(String id, double rttMs, double loss, long seed) throws IOException {
        EmulatedLink l = rig.link(id, rttMs, loss, seed);
        if (firstLink == null) {
            firstLink = l;
        }
    }

    private Enroller enroller(Enroller.Timing timing) {
        return new Enroller(DEVICE, router, transport, new AgentScheduler(ses, DEVICE), timing);
    }

    private static EnrolReply grant() {
        return EnrolReply.granted(TunnelAgentTest.KEY, "buses", true);
    }

    @Test
    void aGrantedEnrolmentCarriesTheKeyAndPoolSealedToThisRouter() throws Exception {
        FakeServer s = server("a");
        s.enrol = r -> grant();
        link("lte", 10, 0, 1);
        Enroller.Outcome o = enroller(FAST).enrol(() -> List.of(s.address()), token).get(5, TimeUnit.SECONDS);
        assertEquals(Enroller.Result.GRANTED, o.result());
        assertArrayEquals(TunnelAgentTest.KEY, o.reply().deviceKey());
        assertEquals("buses", o.reply().pool());
        assertTrue(o.reply().keyUsedUp());
        assertEquals(s.address(), o.server());
        assertEquals(1, s.enrols.size(), "one datagram on a clean link");
        assertEquals(token.id(), s.enrols.get(0).keyId());
        assertArrayEquals(router.publicKey(), s.enrols.get(0).routerKey());
        assertEquals(DEVICE, s.enrols.get(0).device());
        assertEquals(0, s.badSignatures.get());
    }

    @Test
    void aKeyFetchCarriesNoEnrolmentKey() throws Exception {
        FakeServer s = server("a");
        s.enrol = r -> r.keyFetch() ? grant() : EnrolReply.refused();
        link("lte", 10, 0, 1);
        Enroller.Outcome o = enroller(FAST).attempt(List.of(s.address()), null, TunnelAgentTest.KEY)
                .get(5, TimeUnit.SECONDS);
        assertEquals(Enroller.Result.GRANTED, o.result());
        assertTrue(s.enrols.get(0).keyFetch());
    }

    @Test
    void aKeyFetchGrantCountsOnlyUnderTheKeyInUse() throws Exception {
        FakeServer s = server("a");
        s.enrol = r -> grant();
        link("lte", 10, 0, 1);
        byte[] other = TunnelAgentTest.KEY.clone();
        other[0] ^= 1;
        Enroller.Timing brief = new Enroller.Timing(Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofMillis(150));
        assertEquals(Enroller.Result.UNANSWERED,
                enroller(brief).attempt(List.of(s.address()), null, other).get(5, TimeUnit.SECONDS).result(),
                "a grant sealed under a key this router does not hold is dropped");
        assertTrue(s.enrolReplies.get() >= 1, "it was answered");
        s.rekey(other);   // the server seals key fetches with the key it replaced: the one the router holds
        assertEquals(Enroller.Result.GRANTED,
                enroller(FAST).attempt(List.of(s.address()), null, TunnelAgentTest.KEY).get(5, TimeUnit.SECONDS).result());
    }

    @Test
    void aGrantForgedBySomeoneWhoSawTheEnrolIsIgnoredAndTheRealOneWins() throws Exception {
        // the attacker sees every ENROL and answers at once, as a server, with a key of its choosing sealed to
        // the router's key (which the ENROL carries) under a grant key of its own: it has not the token's
        FakeServer attacker = server("attacker");
        byte[] forgedKey = new byte[32];
        byte[] attackersGrantKey = new byte[32];
        new SecureRandom().nextBytes(forgedKey);
        new SecureRandom().nextBytes(attackersGrantKey);
        attacker.replyKey = attackersGrantKey;
        attacker.enrol = r -> EnrolReply.granted(forgedKey, "", false);
        FakeServer real = server("real");   // silent at first: the forgery arrives first, alone
        link("lte", 10, 0, 1);
        CompletableFuture<Enroller.Outcome> f = enroller(FAST).enrol(() -> List.of(attacker.address(), real.address()),
                token);
        // the first attempt (answered by the attacker only) is over once a second one starts
        await().atMost(Duration.ofSeconds(5)).until(() -> attacker.enrolReplies.get() >= 1
                && attacker.enrols.stream().map(EnrolRequest::transactionId).distinct().count() >= 2);
        assertFalse(f.isDone(), "the first attempt ended unanswered: the forged grant was dropped");
        real.enrol = r -> grant();
        Enroller.Outcome o = f.get(5, TimeUnit.SECONDS);
        assertEquals(Enroller.Result.GRANTED, o.result());
        assertArrayEquals(TunnelAgentTest.KEY, o.reply().deviceKey(), "the real server's credential");
        assertEquals(real.address(), o.server());
    }

    @Test
    void refusedThenGrantedKeepsRetryingSlowly() throws Exception {
        FakeServer s = server("a");
        AtomicInteger asked = new AtomicInteger();
        s.enrol = r -> asked.incrementAndGet() <= 2 ? EnrolReply.refused() : grant();
        link("lte", 5, 0, 1);
        long start = System.nanoTime();
        Enroller.Outcome o = enroller(FAST).enrol(() -> List.of(s.address()), token).get(10, TimeUnit.SECONDS);
        assertEquals(Enroller.Result.GRANTED, o.result());
        assertEquals(3, asked.get());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(2 * 150), "waited after each refusal");
        assertEquals(3, new HashSet<>(s.enrols.stream().map(r -> r.transactionId()).toList()).size(),
                "each attempt a new transaction");
    }

    @Test
    void tryLaterIsRetried() throws Exception {
        FakeServer s = server("a");
        AtomicInteger asked = new AtomicInteger();
        s.enrol = r -> asked.incrementAndGet() == 1 ? EnrolReply.tryLater() : grant();
        link("lte", 5, 0, 1);
        assertEquals(Enroller.Result.GRANTED,
                enroller(FAST).enrol(() -> List.of(s.address()), token).get(5, TimeUnit.SECONDS).result());
        assertEquals(2, asked.get());
    }

    @Test
    void aGrantFromOneServerWinsOverARefusalFromAnother() throws Exception {
        FakeServer no = server("a");
        FakeServer yes = server("b");
        no.enrol = r -> EnrolReply.refused();
        yes.enrol = r -> grant();
        link("lte", 5, 0, 1);
        Enroller.Outcome o = enroller(FAST).attempt(List.of(no.address(), yes.address()), token, null).get(5, TimeUnit.SECONDS);
        assertEquals(Enroller.Result.GRANTED, o.result());
        assertEquals(yes.address(), o.server());
    }

    @Test
    void anAttemptEveryServerRefusesIsRefusedAtOnceAndOneNobodyAnswersIsUnanswered() throws Exception {
        FakeServer a = server("a");
        FakeServer b = server("b");
        a.enrol = r -> EnrolReply.refused();
        b.enrol = r -> EnrolReply.tryLater();
        link("lte", 5, 0, 1);
        Enroller.Timing slow = new Enroller.Timing(Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(50),
                Duration.ofMillis(50));
        Enroller.Outcome o = enroller(slow).attempt(List.of(a.address(), b.address()), token, null).get(5, TimeUnit.SECONDS);
        assertEquals(Enroller.Result.REFUSED, o.result(), "before the 30 s attempt time is over");
        assertNull(o.reply());

        a.enrol = null;
        b.enrol = null;
        Enroller.Timing brief = new Enroller.Timing(Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(50),
                Duration.ofMillis(50));
        assertEquals(Enroller.Result.UNANSWERED,
                enroller(brief).attempt(List.of(a.address(), b.address()), token, null).get(5, TimeUnit.SECONDS).result());
        b.enrol = r -> EnrolReply.tryLater();
        assertEquals(Enroller.Result.TRY_LATER,
                enroller(brief).attempt(List.of(a.address(), b.address()), token, null).get(5, TimeUnit.SECONDS).result(),
                "one server deferred, the other never answered");
    }

    @Test
    void aReplySealedToAnotherRouterIsNotAnAnswer() throws Exception {
        FakeServer s = server("a");
        s.enrol = r -> null; // the fake server stays silent; the only reply is the forged one below
        link("lte", 5, 0, 1);
        Enroller.Timing brief = new Enroller.Timing(Duration.ofMillis(500), Duration.ofMillis(50), Duration.ofMillis(50),
                Duration.ofMillis(50));
        CompletableFuture<Enroller.Outcome> f = enroller(brief).attempt(List.of(s.address()), token, null);
        await().atMost(Duration.ofSeconds(2)).until(() -> !s.enrols.isEmpty());
        EnrolRequest req = s.enrols.get(0);
        EnrolRequest toOther = new EnrolRequest(req.device(), req.transactionId(), req.sequence(), req.keyId(),
                req.enrolPublicKey(), RouterKeyPair.generate().publicKey());
        s.channel.send(ByteBuffer.wrap(EnrolCodec.encodeReply(toOther, 1, grant(), token.replyKey())), linkAddress());
        assertEquals(Enroller.Result.UNANSWERED, f.get(5, TimeUnit.SECONDS).result());
    }

    private InetSocketAddress linkAddress() {
        return firstLink.localAddress().orElseThrow();
    }

    @Test
    void enrolsOverThreeLinksAtFiftyPercentLoss() throws Exception {
        FakeServer a = server("a");
        FakeServer b = server("b");
        a.enrol = r -> grant();
        b.enrol = r -> grant();
        link("5g", 20, 50, 21);
        link("lte", 40, 50, 22);
        link("sat", 120, 50, 23);
        Enroller.Outcome o = enroller(FAST).enrol(() -> List.of(a.address(), b.address()), token)
                .get(20, TimeUnit.SECONDS);
        assertEquals(Enroller.Result.GRANTED, o.result());
        assertArrayEquals(TunnelAgentTest.KEY, o.reply().deviceKey());
        assertFalse(a.enrols.isEmpty() && b.enrols.isEmpty());
    }

    @Test
    void cancellingTheEnrolmentStopsIt() throws Exception {
        FakeServer s = server("a");
        link("lte", 5, 0, 1);
        CompletableFuture<Enroller.Outcome> f = enroller(FAST).enrol(() -> List.of(s.address()), token);
        await().atMost(Duration.ofSeconds(3)).until(() -> s.enrols.size() >= 2);
        f.cancel(false);
        // unstopped, it would send again within 0.2 s (retry) and every link RTO
        AtomicInteger seen = new AtomicInteger(-1);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> seen.getAndSet(s.enrols.size()) == s.enrols.size());
    }
}
