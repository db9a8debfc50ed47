package net.dtm.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelStatus.State;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;
import net.dtm.transport.MultiLinkTransport;

class TunnelAgentTest {

    static final DeviceId DEVICE = DeviceId.of("smr-1");
    static final byte[] KEY = new byte[32];

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private AgentRig rig;
    private ScheduledExecutorService ses;
    private MultiLinkTransport transport;

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

    private <T extends AutoCloseable> T closeLater(T c) {
        return rig.closeLater(c);
    }

    private FakeServer server(byte[] key, String node) throws IOException {
        return rig.server(key, node);
    }

    private EmulatedLink link(String id, double rttMs, double loss, long seed) throws IOException {
        return rig.link(id, rttMs, loss, seed);
    }

    private TunnelAgent agent(AgentSettings settings) {
        TunnelAgent a = closeLater(new TunnelAgent(settings, transport, ses, Clock.systemUTC()));
        return a;
    }

    private static AgentSettings settings(List<InetSocketAddress> servers, Duration attempt) {
        return AgentSettings.of(DEVICE, KEY, servers)
                .withTimeouts(attempt, Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMillis(400));
    }

    @Test
    void establishesMeasuresConfirmsAndRenews() throws Exception {
        FakeServer s = server(KEY, "node-a");
        s.leaseSeconds = 2;
        link("lte", 30, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        List<TunnelStatus> events = new CopyOnWriteArrayList<>();
        agent.addListener(events::add);
        agent.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        TunnelStatus st = agent.status();
        assertEquals(InetAddress.getByName("10.64.0.7"), st.parameters().orElseThrow().innerAddress());
        assertEquals("127.0.0.1:" + s.address().getPort(), st.server().orElseThrow());
        assertTrue(st.lastEstablishMs() >= 30, "one 30 ms round trip at least, was " + st.lastEstablishMs());
        assertTrue(st.lastEstablishMs() < 1000, "was " + st.lastEstablishMs());
        assertTrue(st.expiresAt().isPresent() && st.establishedAt().isPresent());
        await().atMost(Duration.ofSeconds(5)).until(agent::confirmed);
        assertEquals(1, s.count(MessageType.CONFIRM));
        assertEquals(1, s.count(MessageType.ESTABLISH), "one datagram per link per server on a clean link");

        var firstExpiry = st.expiresAt().orElseThrow();
        await().atMost(Duration.ofSeconds(5)).until(() -> s.count(MessageType.RENEW) >= 1
                && agent.status().state() == State.ESTABLISHED
                && agent.status().expiresAt().orElseThrow().isAfter(firstExpiry));
        assertEquals(1, agent.establishments());
        assertTrue(events.stream().anyMatch(e -> e.state() == State.ESTABLISHING));
        assertTrue(events.stream().anyMatch(e -> e.state() == State.RENEWING));
    }

    /**
     * Issue 17 (a fleet coming back to a loaded cluster): a CONFIRM left unanswered is asked again
     * under the same transaction, so an ACK that comes after its attempt ended is still taken, and
     * after a pause that doubles each time instead of the same short one.
     */
    @Test
    void anUnansweredConfirmIsAskedAgainUnderItsTransactionAfterAGrowingPause() throws Exception {
        FakeServer s = server(KEY, "node-a");
        s.confirmAttemptsUnanswered = 3;
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(AgentSettings.of(DEVICE, KEY, List.of(s.address()))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofMillis(100), Duration.ofMillis(400)));
        agent.start();

        await().atMost(Duration.ofSeconds(10)).until(agent::confirmed);
        List<Envelope> confirms = s.bodies.stream().filter(b -> b.type() == MessageType.CONFIRM).toList();
        assertEquals(1, confirms.stream().map(Envelope::transactionId).distinct().count(),
                "every CONFIRM attempt under one transaction");
        List<Long> attempts = confirms.stream().map(Envelope::sequence).distinct()
                .map(s.firstArrival::get).sorted().toList();
        assertEquals(4, attempts.size(), "three attempts unanswered, the fourth acknowledged");
        // 300 ms attempts; pauses drawn from [50, 100], [100, 200], [200, 400] ms (a fixed pause: 100 each)
        long lastGapMs = (attempts.get(3) - attempts.get(2)) / 1_000_000;
        assertTrue(lastGapMs >= 495, "the third pause at least 200 ms after a 300 ms attempt, was " + lastGapMs + " ms");
        assertEquals(1, agent.establishments());
    }

    @Test
    void establishesOverThreeLinksAtFiftyPercentLoss() throws Exception {
        FakeServer a = server(KEY, "a");
        FakeServer b = server(KEY, "b");
        FakeServer c = server(KEY, "c");
        link("5g", 20, 50, 11);
        link("lte", 40, 50, 12);
        link("sat", 80, 50, 13);
        TunnelAgent agent = agent(settings(List.of(a.address(), b.address(), c.address()), Duration.ofSeconds(3)));
        agent.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> agent.status().state() == State.ESTABLISHED);
        assertTrue(agent.status().lastEstablishMs() >= 20);
    }

    @Test
    void wrongKeyOnTheServerNeverEstablishes() throws Exception {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        FakeServer s = server(other, "evil");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofMillis(400)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.lastFailure().isPresent());
        assertTrue(agent.lastFailure().orElseThrow().reason().isEmpty());
        assertTrue(agent.lastFailure().orElseThrow().message().contains("timeout"));
        await().atMost(Duration.ofSeconds(5)).until(() -> s.undecodable.get() >= 2);
        assertEquals(State.ESTABLISHING, agent.status().state());
        assertTrue(s.seen.isEmpty());
        assertEquals(0, agent.establishments());
    }

    @Test
    void nakFromEveryServerFailsWithTheReasonWithoutWaitingForTheTimeout() throws Exception {
        FakeServer a = server(KEY, "a");
        FakeServer b = server(KEY, "b");
        a.nakAll = new Nak(Reason.POOL_EXHAUSTED, "pool demo is full");
        b.nakAll = new Nak(Reason.POOL_EXHAUSTED, "pool demo is full");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(a.address(), b.address()), Duration.ofSeconds(30)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.lastFailure().isPresent());
        assertEquals(Reason.POOL_EXHAUSTED, agent.lastFailure().orElseThrow().reason().orElseThrow());
        // And it keeps trying.
        await().atMost(Duration.ofSeconds(5)).until(() -> a.count(MessageType.ESTABLISH) >= 2);
        assertEquals(State.ESTABLISHING, agent.status().state());
    }

    @Test
    void aResyncNakMovesTheSequenceAboveTheMarkAndTheRequestGoesAgainAtOnce() throws Exception {
        FakeServer s = server(KEY, "node-a");
        long mark = SequenceSourceProbe.next() + 1_000_000;
        s.staleUpTo = mark;
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(30)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        List<net.dtm.protocol.Envelope> establishes = s.bodies.stream()
                .filter(b -> b.type() == MessageType.ESTABLISH).toList();
        assertEquals(2, establishes.size(), "refused once, then sent again at once (not after a retry delay)");
        assertTrue(establishes.get(0).sequence() <= mark);
        assertEquals(mark + 1, establishes.get(1).sequence(), "continued just above the mark");
        assertEquals(establishes.get(0).transactionId(), establishes.get(1).transactionId(), "the same request");
        assertTrue(agent.lastFailure().isEmpty(), "a resync is not a failure");
        await().atMost(Duration.ofSeconds(5)).until(agent::confirmed);
    }

    @Test
    void aResyncNakForNoOutstandingTransactionIsIgnored() throws Exception {
        FakeServer s = server(KEY, "node-a");
        s.staleUpTo = SequenceSourceProbe.next() + 1_000_000;
        s.staleToAnotherTransaction = true;
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofMillis(500)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.lastFailure().isPresent());
        assertTrue(s.bodies.stream().allMatch(b -> b.sequence() <= s.staleUpTo), "never moved by a stray NAK");
        assertEquals(State.ESTABLISHING, agent.status().state());
    }

    @Test
    void aVersion2AgentIsNeverToldAMark() throws Exception {
        FakeServer s = server(KEY, "node-a");
        s.staleUpTo = SequenceSourceProbe.next() + 1_000_000;
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        agent.setWireVersion(2);
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        assertEquals(1, s.count(MessageType.ESTABLISH), "answered as before");
    }

    /** Where this JVM's sequence numbers are now. */
    private static final class SequenceSourceProbe {
        static long next() {
            return new net.dtm.protocol.SequenceSource().next();
        }
    }

    @Test
    void oneServerRefusingDoesNotEndTheWaitForAnother() throws Exception {
        FakeServer refusing = server(KEY, "refusing");
        refusing.nakAll = new Nak(Reason.NOT_SERVING, "draining");
        FakeServer serving = server(KEY, "serving");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(refusing.address(), serving.address()), Duration.ofSeconds(5)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        assertEquals("serving", agent.status().parameters().orElseThrow().serverNodeId());
        assertTrue(agent.lastFailure().isEmpty());
    }

    @Test
    void renewalRefusedAsUnknownLeaseEstablishesAgain() throws Exception {
        FakeServer s = server(KEY, "a");
        s.leaseSeconds = 1;
        s.nakRenew = new Nak(Reason.UNKNOWN_LEASE, "no such lease");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(6)).until(() -> agent.establishments() >= 2);
        assertTrue(s.count(MessageType.RENEW) >= 1);
        assertTrue(s.count(MessageType.ESTABLISH) >= 2);
    }

    @Test
    void unansweredRenewalsReestablishAtExpiry() throws Exception {
        FakeServer s = server(KEY, "a");
        s.leaseSeconds = 1;
        EmulatedLink l = link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofMillis(300)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        l.setState(net.dtm.spi.link.LinkState.DOWN);
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHING);
        l.setState(net.dtm.spi.link.LinkState.UP);
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.establishments() == 2);
    }

    @Test
    void reestablishReleasesFirst() throws Exception {
        FakeServer s = server(KEY, "a");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        agent.reestablish();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.establishments() == 2);
        List<MessageType> seen = List.copyOf(s.seen);
        int release = seen.indexOf(MessageType.RELEASE);
        assertTrue(release > 0, "released: " + seen);
        assertEquals(MessageType.ESTABLISH, seen.get(seen.lastIndexOf(MessageType.ESTABLISH)));
        assertTrue(seen.lastIndexOf(MessageType.ESTABLISH) > release, "release before the new establish: " + seen);
    }

    @Test
    void adoptsTheServerListPushedInParamsAndKeepsItAcrossReestablishments() throws Exception {
        FakeServer first = server(KEY, "a");
        FakeServer second = server(KEY, "b");
        first.pushServers = List.of(second.address());
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(first.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        assertEquals(List.of(second.address()), agent.servers());

        agent.reestablish();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.establishments() == 2);
        assertEquals(1, first.count(MessageType.ESTABLISH), "the new establishment went to the pushed list only");
        assertEquals(1, second.count(MessageType.ESTABLISH));
        assertEquals("b", agent.status().parameters().orElseThrow().serverNodeId());
        assertEquals(List.of(second.address()), agent.servers(), "an empty list in PARAMS keeps the one the agent has");
    }

    @Test
    void drainingAndDegradedServersDoNotFailAnEstablishmentAnotherServerAnswers() throws Exception {
        FakeServer draining = server(KEY, "draining");
        draining.nakAll = new Nak(Reason.NOT_SERVING, "node draining is draining: ask another server");
        FakeServer degraded = server(KEY, "degraded");
        degraded.nakAll = new Nak(Reason.STORE_UNAVAILABLE, "node degraded cannot reach the store's quorum");
        FakeServer serving = server(KEY, "serving");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(draining.address(), degraded.address(), serving.address()),
                Duration.ofSeconds(5)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        assertEquals("serving", agent.status().parameters().orElseThrow().serverNodeId());
        assertTrue(agent.lastFailure().isEmpty());
        assertEquals(1, draining.count(MessageType.ESTABLISH));
        assertEquals(1, degraded.count(MessageType.ESTABLISH));
        await().atMost(Duration.ofSeconds(5)).until(agent::confirmed);
        assertEquals(0, draining.count(MessageType.CONFIRM), "confirmed to the server that answered");
        assertEquals(1, serving.count(MessageType.CONFIRM));
    }

    @Test
    void aRenewalRefusedByADegradedServerIsAnsweredByAnother() throws Exception {
        FakeServer degraded = server(KEY, "degraded");
        degraded.leaseSeconds = 1;
        degraded.nakRenew = new Nak(Reason.STORE_UNAVAILABLE, "store unavailable");
        FakeServer serving = server(KEY, "serving");
        serving.leaseSeconds = 1;
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(degraded.address(), serving.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> serving.count(MessageType.RENEW) >= 2
                && degraded.count(MessageType.RENEW) >= 2);
        assertEquals(1, agent.establishments(), "renewed, never re-established");
        assertTrue(agent.lastFailure().isEmpty());
    }

    @Test
    void aRenewalAnswerWithANewListSendsTheNextRenewalToTheNewList() throws Exception {
        FakeServer leaving = server(KEY, "leaving");
        FakeServer staying = server(KEY, "staying");
        leaving.leaseSeconds = 1;
        staying.leaseSeconds = 1;
        leaving.pushServers = List.of(leaving.address());
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(leaving.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        assertEquals(List.of(leaving.address()), agent.servers());

        // the node is drained: its renewal answers leave it out
        leaving.pushServers = List.of(staying.address());
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.servers().equals(List.of(staying.address())));
        long renewsAtLeaving = leaving.count(MessageType.RENEW);
        assertTrue(renewsAtLeaving >= 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> staying.count(MessageType.RENEW) >= 2);
        assertEquals(renewsAtLeaving, leaving.count(MessageType.RENEW), "no renewal went to the drained node since");
        assertEquals(0, staying.count(MessageType.ESTABLISH), "moved by renewal, not by a new establishment");
        assertEquals(1, agent.establishments());
    }

    @Test
    void closeStopsEverything() throws Exception {
        FakeServer s = server(KEY, "a");
        s.nakAll = new Nak(Reason.INTERNAL, "x");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> s.count(MessageType.ESTABLISH) >= 1);
        agent.close();
        assertEquals(State.IDLE, agent.status().state());
        // A datagram sent just before close() is still on the 1 ms wire: let it land, then expect silence.
        await().pollDelay(Duration.ofMillis(50)).until(() -> true);
        long n = s.seen.size();
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> s.seen.size() == n);
        agent.start();
        assertEquals(State.IDLE, agent.status().state());
    }

    @Test
    void establishedLineHasTheAgreedShape() throws Exception {
        String line = TunnelAgent.establishedLine(DEVICE, InetAddress.getByName("10.64.0.9"),
                new InetSocketAddress("127.0.0.1", 47800), 23.456);
        assertEquals("tunnel established: device=smr-1 address=10.64.0.9 server=127.0.0.1:47800 time=23.5 ms", line);
        assertFalse(line.contains(","));
    }

    // ---- data plane: tunnel events, the outer path, wire versions ----------------------------

    @Test
    void tunnelEventsFollowTheLifecycleAndThePathMovesWhenItsLinkGoesDown() throws Exception {
        FakeServer s = server(KEY, "node-a");
        EmulatedLink fast = link("5g", 5, 0, 1);
        EmulatedLink slow = link("lte", 40, 0, 2);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        List<net.dtm.api.TunnelEvent> events = new CopyOnWriteArrayList<>();
        agent.addTunnelListener(events::add);
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                .anyMatch(e -> e.type() == net.dtm.api.TunnelEvent.Type.ESTABLISHED));
        net.dtm.api.TunnelEvent established = events.get(0);
        assertEquals(4242, established.parameters().orElseThrow().tunnelKey());
        String first = established.path().orElseThrow().linkId();
        // the ESTABLISH named the carrying link and went in the newest wire version (3: v2's data plane and the resync)
        net.dtm.protocol.Envelope est = s.bodies.stream().filter(b -> b.type() == MessageType.ESTABLISH).findFirst().orElseThrow();
        assertEquals(3, est.version());
        assertEquals(first, ((net.dtm.protocol.Establish) est.body()).path().orElseThrow().linkId());

        EmulatedLink carrying = first.equals("5g") ? fast : slow;
        String other = first.equals("5g") ? "lte" : "5g";
        carrying.setState(net.dtm.spi.link.LinkState.DOWN);
        await().atMost(Duration.ofSeconds(2)).until(() -> events.stream()
                .anyMatch(e -> e.type() == net.dtm.api.TunnelEvent.Type.PATH_MOVED));
        net.dtm.api.TunnelEvent moved = events.stream()
                .filter(e -> e.type() == net.dtm.api.TunnelEvent.Type.PATH_MOVED).findFirst().orElseThrow();
        assertEquals(other, moved.path().orElseThrow().linkId());
        assertEquals(established.parameters().orElseThrow().innerAddress(), moved.parameters().orElseThrow().innerAddress());
        // the tunnel's server is told, authenticated, and acknowledges
        await().atMost(Duration.ofSeconds(3)).until(() -> s.count(MessageType.PATH) >= 1);
        net.dtm.protocol.PathUpdate update = (net.dtm.protocol.PathUpdate) s.bodies.stream()
                .filter(b -> b.type() == MessageType.PATH).findFirst().orElseThrow().body();
        assertEquals(other, update.path().linkId());
        assertEquals(InetAddress.getByName("10.64.0.7"), update.address());
    }

    @Test
    void aListenerAddedLaterIsToldOfTheTunnelInPlace() throws Exception {
        FakeServer s = server(KEY, "node-a");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        List<net.dtm.api.TunnelEvent> late = new CopyOnWriteArrayList<>();
        agent.addTunnelListener(late::add);
        await().atMost(Duration.ofSeconds(2)).until(() -> !late.isEmpty());
        assertEquals(net.dtm.api.TunnelEvent.Type.ESTABLISHED, late.get(0).type());
        assertEquals(InetAddress.getByName("10.64.0.7"), late.get(0).parameters().orElseThrow().innerAddress());
    }

    @Test
    void parametersChangedOnlyWhenTheTunnelServerChangesThemAndAThrowingListenerHarmsNoOne() throws Exception {
        FakeServer s = server(KEY, "node-a");
        s.leaseSeconds = 1;
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        List<net.dtm.api.TunnelEvent> events = new CopyOnWriteArrayList<>();
        agent.addTunnelListener(e -> {
            throw new IllegalStateException("a broken plugin");
        });
        agent.addTunnelListener(events::add);
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> s.count(MessageType.RENEW) >= 1);
        assertTrue(events.stream().noneMatch(e -> e.type() == net.dtm.api.TunnelEvent.Type.PARAMETERS_CHANGED),
                "a renewal with the same parameters changes nothing: " + events);
        s.mtu = 1300;
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream()
                .anyMatch(e -> e.type() == net.dtm.api.TunnelEvent.Type.PARAMETERS_CHANGED));
        net.dtm.api.TunnelEvent changed = events.stream()
                .filter(e -> e.type() == net.dtm.api.TunnelEvent.Type.PARAMETERS_CHANGED).findFirst().orElseThrow();
        assertEquals(1300, changed.parameters().orElseThrow().mtu());
        assertEquals(1400, changed.previous().orElseThrow().mtu());
        // renewals name the tunnel's server
        net.dtm.protocol.Renew renew = (net.dtm.protocol.Renew) s.bodies.stream()
                .filter(b -> b.type() == MessageType.RENEW).findFirst().orElseThrow().body();
        assertEquals("node-a", renew.tunnelServer());
    }

    @Test
    void aVersion1AgentSendsNoDataPlaneFieldsAndStillEstablishes() throws Exception {
        FakeServer s = server(KEY, "node-a");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        agent.setWireVersion(1);
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        assertTrue(s.bodies.stream().allMatch(b -> b.version() == 1));
        assertEquals(0, agent.status().parameters().orElseThrow().tunnelKey());
    }

    @Test
    void rehomingEstablishesAgainWithoutReleasingAndMovesToTheServerThatAnswers() throws Exception {
        FakeServer a = server(KEY, "node-a");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(a.address()), Duration.ofSeconds(2)));
        List<net.dtm.api.TunnelEvent> events = new CopyOnWriteArrayList<>();
        agent.addTunnelListener(events::add);
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.establishments() == 1);
        agent.rehome();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.establishments() == 2);
        assertEquals(0, a.count(MessageType.RELEASE), "the lease is kept");
        assertEquals(2, events.stream().filter(e -> e.type() == net.dtm.api.TunnelEvent.Type.ESTABLISHED).count());
        assertTrue(events.stream().noneMatch(e -> e.type() == net.dtm.api.TunnelEvent.Type.RELEASED
                || e.type() == net.dtm.api.TunnelEvent.Type.LOST));
    }

    @Test
    void aLinkThatGoesDownWhileEstablishIsOnItsWayIsCorrectedByAPathAfterTheConfirm() throws Exception {
        FakeServer s = server(KEY, "node-a");
        EmulatedLink a = link("a", 200, 0, 1);
        link("b", 200, 0, 2);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(3)));
        agent.start();
        // the ESTABLISH (naming link a: no round trips measured yet, ties go by id) has reached the server
        await().atMost(Duration.ofSeconds(3)).until(() -> s.count(MessageType.ESTABLISH) >= 1);
        a.setState(net.dtm.spi.link.LinkState.DOWN);
        await().atMost(Duration.ofSeconds(5)).until(() -> s.count(MessageType.PATH) >= 1);
        net.dtm.protocol.Establish sent = (net.dtm.protocol.Establish) s.bodies.stream()
                .filter(b -> b.type() == MessageType.ESTABLISH).findFirst().orElseThrow().body();
        assertEquals("a", sent.path().orElseThrow().linkId());
        net.dtm.protocol.PathUpdate update = (net.dtm.protocol.PathUpdate) s.bodies.stream()
                .filter(b -> b.type() == MessageType.PATH).findFirst().orElseThrow().body();
        assertEquals("b", update.path().linkId());
        assertEquals("b", agent.path().orElseThrow().linkId());
    }

    @Test
    void aLinkIdLongerThanTheWireAllowsIsCutAndTheAgentStillEstablishes() throws Exception {
        FakeServer s = server(KEY, "node-a");
        link("lte-modem-slot-0-primary-carrier-apn", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        net.dtm.protocol.Establish sent = (net.dtm.protocol.Establish) s.bodies.stream()
                .filter(b -> b.type() == MessageType.ESTABLISH).findFirst().orElseThrow().body();
        assertEquals("lte-modem-slot-0-primary-carrier", sent.path().orElseThrow().linkId());
    }

    @Test
    void aListenerRemovedRightAfterItWasAddedGetsNothing() throws Exception {
        FakeServer s = server(KEY, "node-a");
        link("lte", 2, 0, 1);
        TunnelAgent agent = agent(settings(List.of(s.address()), Duration.ofSeconds(2)));
        agent.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED);
        // two listeners' replays hold both scheduler threads, so the next add and remove both happen
        // before the next replay runs (otherwise that replay may legitimately come first)
        java.util.concurrent.CountDownLatch replaying = new java.util.concurrent.CountDownLatch(2);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            agent.addTunnelListener(e -> {
                replaying.countDown();
                try {
                    release.await(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(replaying.await(5, java.util.concurrent.TimeUnit.SECONDS), "the two replays did not both start");
        List<net.dtm.api.TunnelEvent> removed = new CopyOnWriteArrayList<>();
        net.dtm.api.TunnelListener gone = removed::add;
        agent.addTunnelListener(gone);
        agent.removeTunnelListener(gone);
        release.countDown();
        List<net.dtm.api.TunnelEvent> kept = new CopyOnWriteArrayList<>();
        agent.addTunnelListener(kept::add);
        await().atMost(Duration.ofSeconds(2)).until(() -> !kept.isEmpty()); // its replay ran after the other's
        assertTrue(removed.isEmpty(), "a removed listener got " + removed);
    }
}
