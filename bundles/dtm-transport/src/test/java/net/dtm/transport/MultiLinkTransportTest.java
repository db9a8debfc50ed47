package net.dtm.transport;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkState;

class MultiLinkTransportTest {

    static final InetSocketAddress S1 = new InetSocketAddress("127.0.0.1", 47801);
    static final InetSocketAddress S2 = new InetSocketAddress("127.0.0.1", 47802);

    private ScheduledExecutorService ses;
    private Map<InetSocketAddress, FakeLink.Server> net;
    private MultiLinkTransport transport;

    /** Test datagrams: 8 bytes of transaction id, then one byte naming the kind (1 request, 2 answer). */
    static byte[] datagram(long txid, int kind) {
        return ByteBuffer.allocate(9).putLong(txid).put((byte) kind).array();
    }

    static long txidOf(byte[] d) {
        return d.length >= 9 ? ByteBuffer.wrap(d).getLong() : 0;
    }

    /** Echoes the transaction id back as an answer. */
    static final FakeLink.Server ECHO = (d, link) -> new byte[][] {datagram(txidOf(d), 2)};

    static final ReplyMatcher<Long> ANSWERS = (d, from) -> d.length == 9 && d[8] == 2 ? txidOf(d) : null;

    @BeforeEach
    void setUp() {
        ses = Executors.newScheduledThreadPool(2);
        net = FakeLink.network();
        transport = new MultiLinkTransport(TransportSettings.defaults(), null, MultiLinkTransportTest::txidOf);
    }

    @AfterEach
    void tearDown() {
        transport.close();
        ses.shutdownNow();
    }

    private FakeLink link(String id, long oneWayMs) {
        FakeLink l = new FakeLink(id, oneWayMs, ses, net, id.hashCode());
        transport.addLink(l);
        return l;
    }

    private static LinkStats stats(MultiLinkTransport t, String id) {
        return t.stats().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    private Reply<Long> ask(long txid, List<InetSocketAddress> servers, Duration timeout) throws Exception {
        return transport.request(txid, servers, datagram(txid, 1), ANSWERS, timeout).get(10, TimeUnit.SECONDS);
    }

    @Test
    void firstAnswerWinsAndLaterCopiesAreDuplicates() throws Exception {
        net.put(S1, ECHO);
        net.put(S2, ECHO);
        FakeLink fast = link("fast", 10);
        FakeLink slow = link("slow", 60);

        Reply<Long> r = ask(1, List.of(S1, S2), Duration.ofSeconds(2));

        assertEquals(1L, r.value());
        assertEquals("fast", r.linkId());
        assertTrue(r.elapsedMillis() >= 20, "at least one fast round trip, was " + r.elapsedMillis());
        assertTrue(r.elapsedMillis() < 120, "not the slow link's round trip, was " + r.elapsedMillis());
        await().atMost(Duration.ofSeconds(3)).until(() ->
                stats(transport, "fast").duplicates() + stats(transport, "slow").duplicates() == 3);
        // Clean links: exactly one datagram per link per server.
        assertEquals(2, fast.sends.get());
        assertEquals(2, slow.sends.get());
        assertEquals(2, stats(transport, "fast").datagramsSent());
        assertEquals(18, stats(transport, "fast").bytesSent());
    }

    @Test
    void invalidAnswersDoNotComplete() throws Exception {
        net.put(S1, (d, l) -> new byte[][] {datagram(txidOf(d), 3)});
        net.put(S2, ECHO);
        link("a", 5);
        net.put(S1, (d, l) -> new byte[][] {datagram(txidOf(d), 3)});
        Reply<Long> r = ask(2, List.of(S1, S2), Duration.ofSeconds(2));
        assertEquals(S2, r.server());
    }

    @Test
    void matcherFailureIsContained() throws Exception {
        net.put(S1, ECHO);
        link("a", 5);
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Reply<Long>> f = transport.request(3, List.of(S1), datagram(3, 1), (d, from) -> {
            if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("boom");
            }
            return txidOf(d);
        }, Duration.ofSeconds(3));
        assertEquals(3L, f.get(5, TimeUnit.SECONDS).value());
        assertTrue(calls.get() >= 2, "retransmission brought another answer after the matcher failed");
    }

    @Test
    void retransmitsWhenSendsAreLost() throws Exception {
        net.put(S1, ECHO);
        FakeLink l = link("lossy", 5);
        l.dropSend = n -> n < 2;
        Reply<Long> r = ask(4, List.of(S1), Duration.ofSeconds(5));
        assertEquals(4L, r.value());
        // A cold link retransmits at the initial RTO (250 ms) without doubling; its third round,
        // after two unanswered, sends two copies.
        assertEquals(4, l.sends.get());
        assertTrue(r.elapsedMillis() >= 500 && r.elapsedMillis() < 750, "third round at 500 ms, answered "
                + r.elapsedMillis());
    }

    @Test
    void timeoutFailsTheRequest() {
        FakeLink l = link("void", 5);
        CompletableFuture<Reply<Long>> f = transport.request(5, List.of(S1), datagram(5, 1), ANSWERS,
                Duration.ofMillis(900));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertEquals(8, l.sends.get(), "a cold link's rounds at 0, 250, 500 (2 copies) and 750 ms (4 copies)");
        int after = l.sends.get();
        await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(1)).until(() -> true);
        assertEquals(after, l.sends.get(), "no retransmission after the timeout");
        assertEquals(0, transport.tracked());
    }

    @Test
    void removedLinkStopsBeingUsedAndTheRequestContinuesOnOthers() throws Exception {
        net.put(S1, ECHO);
        FakeLink dead = link("dead", 5);
        dead.lossEachWay = 1.0;
        FakeLink slow = link("slow", 300);
        CompletableFuture<Reply<Long>> f = transport.request(6, List.of(S1), datagram(6, 1), ANSWERS,
                Duration.ofSeconds(5));
        transport.removeLink(dead);
        Reply<Long> r = f.get(5, TimeUnit.SECONDS);
        assertEquals("slow", r.linkId());
        assertTrue(r.elapsedMillis() >= 600);
        assertEquals(1, dead.sends.get(), "no retransmission on the removed link");
        assertEquals(List.of(slow), transport.links());
        // What a removed link still delivers is ignored.
        dead.inject(S1, datagram(6, 2));
        assertFalse(transport.stats().stream().anyMatch(s -> s.id().equals("dead")));
    }

    @Test
    void linkAddedWhileRequestPendingJoinsIt() throws Exception {
        net.put(S1, ECHO);
        CompletableFuture<Reply<Long>> f = transport.request(7, List.of(S1), datagram(7, 1), ANSWERS,
                Duration.ofSeconds(5));
        assertFalse(f.isDone());
        link("late", 5);
        assertEquals("late", f.get(2, TimeUnit.SECONDS).linkId());
        assertTrue(f.get().elapsedMillis() < 240, "used at once, not at the next retransmission");
    }

    @Test
    void downLinkIsSkippedUntilUp() throws Exception {
        net.put(S1, ECHO);
        FakeLink l = link("flappy", 5);
        l.state = LinkState.DOWN;
        CompletableFuture<Reply<Long>> f = transport.request(8, List.of(S1), datagram(8, 1), ANSWERS,
                Duration.ofSeconds(5));
        assertEquals(0, l.sends.get());
        l.state = LinkState.UP;
        assertEquals(8L, f.get(3, TimeUnit.SECONDS).value());
    }

    @Test
    void rttEstimateConvergesAndRtoFollows() throws Exception {
        net.put(S1, ECHO);
        link("steady", 15);
        assertEquals(Duration.ofMillis(250), stats(transport, "steady").rto());
        for (long tx = 100; tx < 115; tx++) {
            ask(tx, List.of(S1), Duration.ofSeconds(2));
        }
        LinkStats s = stats(transport, "steady");
        double srtt = s.srtt().toNanos() / 1e6;
        double rto = s.rto().toNanos() / 1e6;
        assertTrue(srtt >= 30 && srtt < 60, "srtt " + srtt + " ms near 30 ms");
        assertTrue(rto >= srtt && rto < 150, "rto " + rto + " ms above srtt and well below the initial 250 ms");
    }

    @Test
    void aLinkSlowerThanTheInitialRtoLearnsItsRoundTripAndStopsRetransmitting() throws Exception {
        net.put(S1, ECHO);
        FakeLink geo = link("geo", 300); // 600 ms round trip, far above the 250 ms initial RTO
        ask(1, List.of(S1), Duration.ofSeconds(5));
        long first = geo.sends.get();
        assertTrue(first >= 2, "the first request had to retransmit before the answer: " + first);
        double rto = stats(transport, "geo").rto().toNanos() / 1e6;
        assertTrue(rto >= 600, "rto " + rto + " ms learnt from the retransmitted request");
        ask(2, List.of(S1), Duration.ofSeconds(5));
        assertEquals(first + 1, geo.sends.get(), "one datagram for the second request");
    }

    @Test
    void redundancyGrowsOnlyWithMeasuredLoss() throws Exception {
        net.put(S1, ECHO);
        FakeLink lossy = link("lossy", 2);
        lossy.lossEachWay = 0.5;
        FakeLink clean = link("clean", 20);
        for (long tx = 200; tx < 240; tx++) {
            ask(tx, List.of(S1), Duration.ofSeconds(3));
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> transport.tracked() == 0);
        LinkStats l = stats(transport, "lossy");
        LinkStats c = stats(transport, "clean");
        assertTrue(l.lossEstimate() > 0.4, "lossy estimate " + l.lossEstimate());
        assertTrue(l.copies() > 1, "lossy link sends copies");
        assertTrue(c.lossEstimate() < 0.1, "clean estimate " + c.lossEstimate());
        assertEquals(1, c.copies());
        int before = lossy.sends.get();
        transport.send(List.of(S1), datagram(999, 1));
        assertEquals(l.copies(), lossy.sends.get() - before);
    }

    @Test
    void aSingleLossyLinkToSeveralServersIsSeenAsLossy() throws Exception {
        // With one link, a request whose copies to a server were all lost says nothing about that
        // server in that request; the server's answers to other requests show it is alive.
        InetSocketAddress s3 = new InetSocketAddress("127.0.0.1", 47803);
        net.put(S1, ECHO);
        net.put(S2, ECHO);
        net.put(s3, ECHO);
        FakeLink only = link("only", 2);
        only.lossEachWay = 0.5;
        for (long tx = 300; tx < 340; tx++) {
            ask(tx, List.of(S1, S2, s3), Duration.ofSeconds(3));
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> transport.tracked() == 0);
        LinkStats l = stats(transport, "only");
        assertTrue(l.lossEstimate() > 0.5, "round-trip loss is 75 %, estimate " + l.lossEstimate());
        assertTrue(l.copies() > 1, "the lossy link sends copies");
    }

    @Test
    void deadServerDoesNotCountAsLinkLoss() throws Exception {
        net.put(S1, ECHO);
        link("a", 2);
        for (long tx = 300; tx < 310; tx++) {
            ask(tx, List.of(S1, S2), Duration.ofSeconds(2));
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> transport.tracked() == 0);
        assertTrue(stats(transport, "a").lossEstimate() < 0.01);
    }

    @Test
    void unsolicitedAndUnreadableDatagramsAreCountedAndDropped() {
        FakeLink l = link("a", 1);
        l.inject(S1, datagram(12345, 2));
        l.inject(S1, new byte[] {1, 2});
        LinkStats s = stats(transport, "a");
        assertEquals(2, s.unsolicited());
        assertEquals(0, s.datagramsReceived());
    }

    @Test
    void cancellingStopsRetransmissions() {
        FakeLink l = link("a", 1);
        CompletableFuture<Reply<Long>> f = transport.request(9, List.of(S1), datagram(9, 1), ANSWERS,
                Duration.ofSeconds(5));
        f.cancel(false);
        await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(1)).until(() -> true);
        assertEquals(1, l.sends.get());
        assertEquals(0, transport.tracked());
    }

    @Test
    void misuseIsRejectedAndCloseFailsPending() {
        link("a", 1);
        CompletableFuture<Reply<Long>> f = transport.request(10, List.of(S1), datagram(10, 1), ANSWERS,
                Duration.ofSeconds(5));
        assertThrows(IllegalStateException.class,
                () -> transport.request(10, List.of(S1), datagram(10, 1), ANSWERS, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class,
                () -> transport.request(0, List.of(S1), datagram(0, 1), ANSWERS, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class,
                () -> transport.request(11, List.of(), datagram(11, 1), ANSWERS, Duration.ofSeconds(5)));
        transport.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertThrows(IllegalStateException.class,
                () -> transport.request(12, List.of(S1), datagram(12, 1), ANSWERS, Duration.ofSeconds(5)));
    }

    @Test
    void degradedLinksAreUsedAndDownLinksSkipped() {
        FakeLink l = link("a", 1);
        l.state = LinkState.DEGRADED;
        transport.send(List.of(S1), datagram(13, 1));
        assertEquals(1, l.sends.get(), "degraded links are still used");
        l.state = LinkState.DOWN;
        transport.send(List.of(S1), datagram(13, 1));
        assertEquals(1, l.sends.get(), "down links are skipped");
        assertEquals(0, stats(transport, "a").sendErrors());
    }

    // ---- issue 17: cold start, random loss is not congestion ------------------------------------

    @Test
    void aLostFirstCopyDoesNotLeaveTheRoundTripInflated() throws Exception {
        net.put(S1, ECHO);
        FakeLink l = link("lte", 20); // 40 ms round trip
        l.dropSend = n -> n == 0;
        ask(20, List.of(S1), Duration.ofSeconds(3)); // answered after the retransmission at 250 ms
        ask(21, List.of(S1), Duration.ofSeconds(3)); // answered in its first round: unambiguous
        double srtt = stats(transport, "lte").srtt().toNanos() / 1e6;
        assertTrue(srtt >= 38 && srtt < 60, "srtt " + srtt + " ms, the 40 ms round trip (was 259 ms: 290 averaged in)");
    }

    @Test
    void aGeoLinkWhoseFirstCopyIsLostStillLearnsItsRoundTripAndSendsOneDatagram() throws Exception {
        net.put(S1, ECHO);
        FakeLink geo = link("geo", 300); // 600 ms round trip
        geo.dropSend = n -> n == 0;
        ask(22, List.of(S1), Duration.ofSeconds(5));
        int cold = geo.sends.get();
        double rto = stats(transport, "geo").rto().toNanos() / 1e6;
        assertTrue(rto >= 600, "rto " + rto + " ms: never below the round trip, so no spurious copy next time");
        ask(23, List.of(S1), Duration.ofSeconds(5));
        ask(24, List.of(S1), Duration.ofSeconds(5));
        assertEquals(cold + 2, geo.sends.get(), "one datagram for each later request");
        double srtt = stats(transport, "geo").srtt().toNanos() / 1e6;
        assertTrue(srtt >= 595 && srtt < 700, "srtt " + srtt + " ms");
    }

    @Test
    void coldCleanLinksSendOneDatagramPerServerPerRequest() throws Exception {
        net.put(S1, ECHO);
        net.put(S2, ECHO);
        FakeLink a = link("5g", 10);
        FakeLink b = link("lte", 20);
        FakeLink c = link("leo", 25);
        ask(25, List.of(S1, S2), Duration.ofSeconds(3)); // ESTABLISH
        ask(26, List.of(S1, S2), Duration.ofSeconds(3)); // CONFIRM
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.tracked() == 0);
        assertEquals(List.of(4, 4, 4), List.of(a.sends.get(), b.sends.get(), c.sends.get()));
    }

    /** A link of 80 ms round trip measured lossy, whose server S1 has just answered. */
    private FakeLink lossyLinkWithLiveServer() throws Exception {
        net.put(S1, ECHO);
        FakeLink l = link("5g", 40);
        ask(30, List.of(S1), Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(3)).until(() -> transport.tracked() == 0);
        transport.entry("5g").lossOutcomes(0, 30);
        assertEquals(4, stats(transport, "5g").copies());
        return l;
    }

    @Test
    void aLossyLinkWhoseServerAnswersRetransmitsWithoutBackoff() throws Exception {
        FakeLink l = lossyLinkWithLiveServer();
        double rto = stats(transport, "5g").rto().toNanos() / 1e6;
        int before = l.sends.get();
        l.dropSend = n -> n < before + 12; // three rounds of four copies lost
        Reply<Long> r = ask(31, List.of(S1), Duration.ofSeconds(5));
        // flat: rounds at 0, rto, 2 rto, 3 rto (about 300 ms), answered 80 ms later; with backoff the
        // fourth round would leave at 7 rto (700 ms)
        assertTrue(r.elapsedMillis() < 3 * rto + 80 + 150, "answered after " + r.elapsedMillis() + " ms, rto " + rto);
        assertEquals(before + 16, l.sends.get());
    }

    @Test
    void aServerThatFallsSilentStillSeesBackoff() throws Exception {
        FakeLink l = lossyLinkWithLiveServer();
        net.remove(S1);
        int before = l.sends.get();
        CompletableFuture<Reply<Long>> f = transport.request(32, List.of(S1), datagram(32, 1), ANSWERS,
                Duration.ofSeconds(3));
        assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        int rounds = (l.sends.get() - before) / 4;
        // brisk for at most 8 rounds within a second (100 ms apart), then 100, 200, 400, 800 ms...:
        // 13 rounds in 3 s, where no backoff at all would be 30
        assertTrue(rounds >= 6 && rounds <= 13, rounds + " rounds");
    }

    @Test
    void aLossyLinkToAServerNeverHeardBacksOffFromTheStart() throws Exception {
        lossyLinkWithLiveServer();
        FakeLink l = (FakeLink) transport.links().get(0);
        int before = l.sends.get();
        CompletableFuture<Reply<Long>> f = transport.request(33, List.of(S2), datagram(33, 1), ANSWERS,
                Duration.ofSeconds(3));
        assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        int rounds = (l.sends.get() - before) / 4;
        assertTrue(rounds >= 4 && rounds <= 5, rounds + " rounds: at 0, 100, 300, 700 and 1500 ms");
    }
}
