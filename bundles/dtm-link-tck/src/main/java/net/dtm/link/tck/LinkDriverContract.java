package net.dtm.link.tck;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/**
 * The link driver contract: what {@link LinkDriver}'s javadoc promises, checked over real UDP on
 * the loopback interface. A driver's test extends this class and says in {@link #open()} how to
 * make one driver (preferably the object its bundle publishes, built from a configuration);
 * every test gets a fresh one and withdraws it at the end.
 */
public abstract class LinkDriverContract {

    /** How long anything the driver should do may take. */
    protected static final Duration WAIT = Duration.ofSeconds(10);
    /** How long the suite watches for something that must not happen. */
    protected static final Duration QUIET = Duration.ofMillis(300);

    private LinkUnderTest subject;
    private LinkDriver link;
    private boolean withdrawn;
    private DatagramSocket peer;

    /**
     * A new driver bound on the loopback interface (127.0.0.1, any port), with no handler yet. It
     * may come UP after returning; the suite waits.
     */
    protected abstract LinkUnderTest open() throws Exception;

    @BeforeEach
    void openDriver() throws Exception {
        peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        peer.setSoTimeout((int) WAIT.toMillis());
        subject = open();
        assertNotNull(subject, "open() returned null");
        link = subject.driver();
    }

    @AfterEach
    void withdrawDriver() throws Exception {
        try {
            if (subject != null && !withdrawn) {
                subject.close().run();
            }
        } finally {
            peer.close();
        }
    }

    @Test
    void idIsNonBlankAndStable() throws Exception {
        String id = link.id();
        assertNotNull(id, "id()");
        assertFalse(id.isBlank(), "id() is blank");
        link.setHandler(new LinkRecorder());
        InetSocketAddress local = awaitUp();
        peerSend(new byte[] {1}, local);
        link.send(peerAddress(), new byte[] {2});
        peerReceive();
        assertEquals(id, link.id(), "id() changed");
    }

    @Test
    void kindIsTheKindOfItsLabel() {
        LinkKind kind = link.kind();
        String label = link.kindLabel();
        assertNotNull(kind, "kind()");
        assertTrue(LinkKind.isValidLabel(label), "kindLabel() '" + label + "' is not a valid kind label");
        assertEquals(kind, LinkKind.forLabel(label), "kind() must be LinkKind.forLabel(kindLabel()) = forLabel('" + label + "')");
    }

    @Test
    void upOnLoopbackWithALocalAddressAndAPositiveMtu() throws Exception {
        InetSocketAddress local = awaitUp();
        assertTrue(local.getAddress().isLoopbackAddress(), "bound to " + local + ", not loopback");
        assertTrue(local.getPort() > 0, "no port: " + local);
        assertTrue(link.mtu() > 0, "mtu() " + link.mtu());
        assertNotNull(link.publicAddress(), "publicAddress() returned null, not empty");
    }

    @Test
    void sentDatagramsUpToTheMtuLeaveFromTheLocalAddress() throws Exception {
        InetSocketAddress local = awaitUp();
        link.send(peerAddress(), new byte[] {1, 2, 3});
        DatagramPacket small = peerReceive();
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(small));
        assertEquals(local, small.getSocketAddress(), "source of the datagram");

        byte[] full = new byte[link.mtu()];
        Arrays.fill(full, (byte) 0x5a);
        link.send(peerAddress(), full);
        assertArrayEquals(full, bytes(peerReceive()), "a datagram of mtu() bytes");
    }

    @Test
    void arrivingDatagramsReachTheHandlerWithThisLinkAndTheSource() throws Exception {
        LinkRecorder handler = new LinkRecorder();
        link.setHandler(handler);
        InetSocketAddress local = awaitUp();
        peerSend(new byte[] {4, 5, 6}, local);
        LinkRecorder.Datagram d = handler.nextDatagram(WAIT);
        assertSame(link, d.link(), "the link passed to received()");
        assertEquals(peerAddress(), d.source());
        assertArrayEquals(new byte[] {4, 5, 6}, d.bytes());
    }

    @Test
    void setHandlerReplacesThePreviousHandler() throws Exception {
        LinkRecorder first = new LinkRecorder();
        LinkRecorder second = new LinkRecorder();
        link.setHandler(first);
        InetSocketAddress local = awaitUp();
        peerSend(new byte[] {1}, local);
        assertArrayEquals(new byte[] {1}, first.nextDatagram(WAIT).bytes());

        int heard = first.changes().size();
        link.setHandler(second);
        peerSend(new byte[] {2}, local);
        assertArrayEquals(new byte[] {2}, second.nextDatagram(WAIT).bytes());
        withdraw();
        second.awaitState(link, LinkState.DOWN::equals, WAIT);
        assertNull(first.datagrams().poll(QUIET.toMillis(), TimeUnit.MILLISECONDS), "the replaced handler got a datagram");
        assertEquals(heard, first.changes().size(), "the replaced handler heard of a change: " + first.changes());
    }

    @Test
    void aFailingHandlerDoesNotStopTheLink() throws Exception {
        LinkRecorder handler = new LinkRecorder().failing();
        link.setHandler(handler);
        InetSocketAddress local = awaitUp();
        peerSend(new byte[] {1}, local);
        peerSend(new byte[] {2}, local);
        assertArrayEquals(new byte[] {1}, handler.nextDatagram(WAIT).bytes());
        assertArrayEquals(new byte[] {2}, handler.nextDatagram(WAIT).bytes());
        link.send(peerAddress(), new byte[] {3});
        assertArrayEquals(new byte[] {3}, bytes(peerReceive()));
    }

    @Test
    void downIsReportedRefusesSendsAndDeliversNothingUntilUpAgain() throws Exception {
        assumeTrue(subject.outage().isPresent(), "this driver is never DOWN short of being withdrawn");
        LinkUnderTest.Outage outage = subject.outage().get();
        LinkRecorder handler = new LinkRecorder();
        link.setHandler(handler);
        InetSocketAddress local = awaitUp();

        outage.down().run();
        handler.awaitState(link, LinkState.DOWN::equals, WAIT);
        assertEquals(LinkState.DOWN, link.state());
        assertThrows(IOException.class, () -> link.send(peerAddress(), new byte[] {1}), "send while DOWN");
        peerSend(new byte[] {2}, local);
        assertNull(handler.datagrams().poll(QUIET.toMillis(), TimeUnit.MILLISECONDS),
                "delivered while DOWN");

        outage.up().run();
        handler.awaitState(link, state -> state != LinkState.DOWN, WAIT);
        InetSocketAddress again = awaitUp();
        peerSend(new byte[] {3}, again);
        assertArrayEquals(new byte[] {3}, handler.nextDatagram(WAIT).bytes(), "the first datagram after the outage");
        link.send(peerAddress(), new byte[] {4});
        assertEquals(again, peerReceive().getSocketAddress());
    }

    @Test
    void withdrawingReportsDownReleasesTheSocketAndStopsDelivery() throws Exception {
        LinkRecorder handler = new LinkRecorder();
        link.setHandler(handler);
        InetSocketAddress local = awaitUp();

        withdraw();
        handler.awaitState(link, LinkState.DOWN::equals, WAIT);
        assertEquals(LinkState.DOWN, link.state(), "state() once withdrawn");
        assertThrows(IOException.class, () -> link.send(peerAddress(), new byte[] {1}), "send once withdrawn");
        // The port is free again (the driver's socket is closed): whatever arrives there now is not the link's.
        try (DatagramSocket successor = new DatagramSocket(local)) {
            successor.setSoTimeout((int) WAIT.toMillis());
            peerSend(new byte[] {2}, local);
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            successor.receive(p);
        }
        assertTrue(handler.datagrams().isEmpty(), "delivered once withdrawn: " + handler.datagrams());
    }

    // ---------------------------------------------------------------- helpers

    /** The driver under test. */
    protected LinkDriver link() {
        return link;
    }

    /** Waits until the link is not DOWN and has a local address; returns it. */
    protected InetSocketAddress awaitUp() {
        await("link " + link.id() + " up with a local address").atMost(WAIT)
                .until(() -> link.state() != LinkState.DOWN && link.localAddress().isPresent());
        return link.localAddress().orElseThrow();
    }

    /** Withdraws the driver now, as its bundle would. */
    protected void withdraw() throws Exception {
        withdrawn = true;
        subject.close().run();
    }

    private InetSocketAddress peerAddress() {
        return (InetSocketAddress) peer.getLocalSocketAddress();
    }

    private void peerSend(byte[] datagram, InetSocketAddress to) throws IOException {
        peer.send(new DatagramPacket(datagram, datagram.length, to));
    }

    private DatagramPacket peerReceive() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
        peer.receive(p);
        return p;
    }

    private static byte[] bytes(DatagramPacket p) {
        return Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
    }
}
