package net.dtm.transport;

import static net.dtm.transport.MultiLinkTransportTest.ANSWERS;
import static net.dtm.transport.MultiLinkTransportTest.ECHO;
import static net.dtm.transport.MultiLinkTransportTest.S1;
import static net.dtm.transport.MultiLinkTransportTest.datagram;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.LinkInfo;
import net.dtm.spi.link.LinkState;

/** Operator enable/disable, reaction to reported state changes, the backup policy and the api view. */
class LinkControlTest {

    private ScheduledExecutorService ses;
    private Map<InetSocketAddress, FakeLink.Server> net;
    private MultiLinkTransport transport;

    @BeforeEach
    void setUp() {
        ses = Executors.newScheduledThreadPool(2);
        net = FakeLink.network();
        net.put(S1, ECHO);
        transport = new MultiLinkTransport(TransportSettings.defaults(), null, MultiLinkTransportTest::txidOf);
    }

    @AfterEach
    void tearDown() {
        transport.close();
        ses.shutdownNow();
    }

    private FakeLink fake(String id, long oneWayMs) {
        return new FakeLink(id, oneWayMs, ses, net, id.hashCode());
    }

    private FakeLink link(String id, long oneWayMs, LinkUsage usage) {
        FakeLink l = fake(id, oneWayMs);
        transport.addLink(l, usage);
        return l;
    }

    private CompletableFuture<Reply<Long>> request(long txid) {
        return transport.request(txid, List.of(S1), datagram(txid, 1), ANSWERS, Duration.ofSeconds(5));
    }

    private LinkInfo info(String id) {
        return transport.linkInfos().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void disabledLinkIsNeverUsedAndTheRequestContinuesOnTheOthers() throws Exception {
        FakeLink black = link("black", 5, LinkUsage.ALWAYS);
        black.lossEachWay = 1.0;
        FakeLink slow = link("slow", 100, LinkUsage.ALWAYS);
        CompletableFuture<Reply<Long>> f = request(1);
        assertEquals(1, black.sends.get());
        assertTrue(transport.disable("black"));
        Reply<Long> r = f.get(5, TimeUnit.SECONDS);
        assertEquals("slow", r.linkId());
        assertEquals(1, black.sends.get(), "no retransmission on the disabled link");
        assertFalse(info("black").enabled());

        transport.send(List.of(S1), datagram(2, 1));
        assertEquals(1, black.sends.get(), "disabled links get no fire-and-forget datagram either");
        assertEquals(2, slow.sends.get());
    }

    @Test
    void enabledLinkJoinsPendingRequestsAtOnce() throws Exception {
        FakeLink l = link("a", 5, LinkUsage.ALWAYS);
        assertTrue(transport.disable("a"));
        CompletableFuture<Reply<Long>> f = request(3);
        assertEquals(0, l.sends.get());
        assertTrue(transport.enable("a"));
        Reply<Long> r = f.get(5, TimeUnit.SECONDS);
        assertTrue(r.elapsedMillis() < 200, "sent on enable, not at the next timer (250 ms), was " + r.elapsedMillis());
        assertTrue(info("a").enabled());
    }

    @Test
    void unknownLinkIdsAreRefused() {
        link("a", 5, LinkUsage.ALWAYS);
        assertFalse(transport.disable("nope"));
        assertFalse(transport.enable("nope"));
        assertTrue(info("a").enabled());
        // A refused disable leaves nothing behind for a later link of that id.
        FakeLink later = link("nope", 5, LinkUsage.ALWAYS);
        assertTrue(info("nope").enabled());
        transport.send(List.of(S1), datagram(4, 1));
        assertEquals(1, later.sends.get());
    }

    @Test
    void disableOutlivesTheReplacementOfTheDriver() {
        FakeLink first = link("sat", 5, LinkUsage.ALWAYS);
        assertTrue(transport.disable("sat"));
        transport.removeLink(first);
        FakeLink second = link("sat", 5, LinkUsage.ALWAYS);
        assertFalse(info("sat").enabled(), "an updated driver bundle does not re-enable what the operator disabled");
        transport.send(List.of(S1), datagram(5, 1));
        assertEquals(0, second.sends.get());
        assertTrue(transport.enable("sat"));
        transport.send(List.of(S1), datagram(5, 1));
        assertEquals(1, second.sends.get());
    }

    @Test
    void linkReportedUpJoinsPendingRequestsAtOnce() throws Exception {
        FakeLink l = link("flappy", 5, LinkUsage.ALWAYS);
        l.report(LinkState.DOWN);
        CompletableFuture<Reply<Long>> f = request(6);
        assertEquals(0, l.sends.get());
        l.report(LinkState.UP);
        Reply<Long> r = f.get(5, TimeUnit.SECONDS);
        assertTrue(r.elapsedMillis() < 200, "sent when reported up, not at the next timer (250 ms), was " + r.elapsedMillis());
        assertEquals(1, l.sends.get());
    }

    @Test
    void linkReportedDownStopsBeingUsedAtOnce() throws Exception {
        FakeLink dying = link("dying", 5, LinkUsage.ALWAYS);
        dying.lossEachWay = 1.0;
        link("slow", 200, LinkUsage.ALWAYS);
        CompletableFuture<Reply<Long>> f = request(7);
        dying.report(LinkState.DOWN);
        assertEquals("slow", f.get(5, TimeUnit.SECONDS).linkId());
        assertEquals(1, dying.sends.get(), "no retransmission on the down link");
        assertEquals("down", info("dying").state());
        assertEquals(0, info("dying").datagramsReceived());
    }

    @Test
    void backupStaysIdleWhileAGoodPrimaryIsUp() throws Exception {
        link("5g", 5, LinkUsage.ALWAYS);
        FakeLink sat = link("sat", 5, LinkUsage.BACKUP);
        sat.metered = true;
        for (long tx = 10; tx < 15; tx++) {
            assertEquals("5g", request(tx).get(5, TimeUnit.SECONDS).linkId());
        }
        transport.send(List.of(S1), datagram(16, 1));
        assertEquals(0, sat.sends.get());
    }

    @Test
    void backupJoinsAtOnceWhenThePrimaryGoesDown() throws Exception {
        FakeLink primary = link("5g", 5, LinkUsage.ALWAYS);
        primary.lossEachWay = 1.0;
        FakeLink sat = link("sat", 20, LinkUsage.BACKUP);
        CompletableFuture<Reply<Long>> f = request(20);
        assertEquals(0, sat.sends.get());
        primary.report(LinkState.DOWN);
        Reply<Long> r = f.get(5, TimeUnit.SECONDS);
        assertEquals("sat", r.linkId());
        assertTrue(r.elapsedMillis() < 200, "backup used at once, was " + r.elapsedMillis());
        // And it goes idle again once the primary is back.
        primary.lossEachWay = 0;
        primary.report(LinkState.UP);
        int satSends = sat.sends.get();
        assertEquals("5g", request(21).get(5, TimeUnit.SECONDS).linkId());
        assertEquals(satSends, sat.sends.get());
    }

    @Test
    void backupIsUsedWhenThePrimaryIsLossyDegradedOrMetered() {
        FakeLink primary = link("lte", 5, LinkUsage.ALWAYS);
        FakeLink sat = link("sat", 5, LinkUsage.BACKUP);
        transport.send(List.of(S1), datagram(30, 1));
        assertEquals(0, sat.sends.get());

        transport.entry("lte").lossOutcomes(0, 10);
        assertTrue(transport.entry("lte").loss() >= MultiLinkTransport.BACKUP_LOSS);
        transport.send(List.of(S1), datagram(31, 1));
        assertEquals(1, sat.sends.get(), "lossy primary");

        transport.entry("lte").lossOutcomes(40, 0);
        transport.send(List.of(S1), datagram(32, 1));
        assertEquals(1, sat.sends.get(), "primary clean again");

        primary.state = LinkState.DEGRADED;
        transport.send(List.of(S1), datagram(33, 1));
        assertEquals(2, sat.sends.get(), "degraded primary");

        primary.state = LinkState.UP;
        primary.metered = true;
        transport.send(List.of(S1), datagram(34, 1));
        assertEquals(3, sat.sends.get(), "only unmetered primaries keep the backup idle");

        primary.metered = false;
        transport.disable("lte");
        transport.send(List.of(S1), datagram(35, 1));
        assertEquals(4, sat.sends.get(), "disabled primary");
    }

    @Test
    void backupJoinsAtOnceWhenThePrimaryIsRemoved() throws Exception {
        FakeLink primary = link("5g", 5, LinkUsage.ALWAYS);
        primary.lossEachWay = 1.0;
        link("sat", 5, LinkUsage.BACKUP);
        CompletableFuture<Reply<Long>> f = request(40);
        transport.removeLink(primary);
        Reply<Long> r = f.get(5, TimeUnit.SECONDS);
        assertEquals("sat", r.linkId());
        assertTrue(r.elapsedMillis() < 200, "backup used at once, was " + r.elapsedMillis());
    }

    @Test
    void linkInfosDescribeEachLink() throws Exception {
        FakeLink l = link("5g", 5, LinkUsage.ALWAYS);
        l.metered = true;
        request(50).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(2)).until(() -> transport.tracked() == 0);
        LinkInfo i = info("5g");
        assertEquals("emulated", i.kind());
        assertEquals("up", i.state());
        assertTrue(i.enabled());
        assertTrue(i.metered());
        assertEquals(Optional.of("127.0.0.1:" + l.localAddress().orElseThrow().getPort()), i.localAddress());
        assertEquals(Optional.empty(), i.publicAddress());
        assertTrue(i.srtt().toMillis() >= 10 && i.srtt().toMillis() < 100, "srtt " + i.srtt());
        assertTrue(i.rto().compareTo(i.srtt()) > 0);
        assertEquals(0.0, i.lossEstimate());
        assertEquals(1, i.copies());
        assertEquals(1, i.datagramsSent());
        assertEquals(9, i.bytesSent());
        assertEquals(1, i.datagramsReceived());
        assertEquals(9, i.bytesReceived());
        assertEquals(0, i.duplicates());
    }

    @Test
    void usageParsesServiceProperties() {
        assertEquals(LinkUsage.ALWAYS, LinkUsage.parse(null));
        assertEquals(LinkUsage.ALWAYS, LinkUsage.parse(" Always "));
        assertEquals(LinkUsage.BACKUP, LinkUsage.parse("backup"));
        assertThrows(IllegalArgumentException.class, () -> LinkUsage.parse("sometimes"));
    }
}
