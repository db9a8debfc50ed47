package net.dtm.link.iface;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

class InterfaceLinkTest {

    /** The OS as the test says it is. */
    static final class FakeLookup implements InterfaceLookup {
        volatile InterfaceStatus status = InterfaceStatus.ABSENT;
        volatile IOException failure;

        @Override
        public InterfaceStatus lookup(String name) throws IOException {
            if (failure != null) {
                throw failure;
            }
            return status;
        }
    }

    /** Records what the link reports. */
    static final class Recorder implements LinkHandler {
        final List<LinkState> states = new CopyOnWriteArrayList<>();
        final List<InetSocketAddress> addressesAtChange = new CopyOnWriteArrayList<>();
        final List<byte[]> received = new CopyOnWriteArrayList<>();

        @Override
        public void received(LinkDriver link, InetSocketAddress source, byte[] datagram) {
            received.add(datagram);
        }

        @Override
        public void stateChanged(LinkDriver link, LinkState state) {
            states.add(state);
            addressesAtChange.add(link.localAddress().orElse(null));
        }
    }

    static InetAddress ip(String text) throws IOException {
        return InetAddress.getByName(text);
    }

    /** Manual polling only (an hour between polls) unless a test asks for more. */
    static InterfaceLinkSettings settings(int port, long pollMs) {
        return new InterfaceLinkSettings("lte", LinkKind.LTE, "wwan0", port, 1400, pollMs, false);
    }

    private final FakeLookup os = new FakeLookup();
    private final Recorder recorder = new Recorder();
    private DatagramChannel peer;

    @BeforeEach
    void setUp() throws IOException {
        peer = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void tearDown() throws IOException {
        peer.close();
    }

    private InetSocketAddress peerAddress() throws IOException {
        return (InetSocketAddress) peer.getLocalAddress();
    }

    /** Receives one datagram on the peer and returns where it came from. */
    private InetSocketAddress receiveOnPeer(byte[] expected) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        InetSocketAddress from = (InetSocketAddress) peer.receive(buf);
        buf.flip();
        byte[] got = new byte[buf.remaining()];
        buf.get(got);
        assertArrayEquals(expected, got);
        return from;
    }

    @Test
    void realLoopbackInterfaceSendsAndReceives() throws Exception {
        assumeTrue(NetworkInterface.getByName("lo") != null, "no interface named lo on this system");
        InterfaceLinkSettings s = new InterfaceLinkSettings("lo", LinkKind.ETHERNET, "lo", 0, 1400, 500, false);
        try (InterfaceLink link = new InterfaceLink(s)) {
            link.setHandler(recorder);
            assertEquals(LinkState.UP, link.state());
            InetSocketAddress local = link.localAddress().orElseThrow();
            assertEquals(ip("127.0.0.1"), local.getAddress());
            link.send(peerAddress(), new byte[] {1, 2, 3});
            assertEquals(local, receiveOnPeer(new byte[] {1, 2, 3}));
            peer.send(ByteBuffer.wrap(new byte[] {4, 5}), local);
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.received.size() == 1);
            assertArrayEquals(new byte[] {4, 5}, recorder.received.get(0));
            assertEquals(1, link.datagramsSent());
            assertEquals(1, link.datagramsReceived());
        }
    }

    @Test
    void addressChangeRebindsAndIsReportedAtOnce() throws Exception {
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        try (InterfaceLink link = new InterfaceLink(settings(0, 3_600_000), os, null)) {
            link.setHandler(recorder);
            assertEquals(ip("127.0.0.1"), link.localAddress().orElseThrow().getAddress());

            os.status = InterfaceStatus.upWith(ip("127.0.0.2"));
            link.poll();
            assertEquals(List.of(LinkState.UP), recorder.states, "reported before poll() returned");
            InetSocketAddress moved = link.localAddress().orElseThrow();
            assertEquals(ip("127.0.0.2"), moved.getAddress());
            assertEquals(moved, recorder.addressesAtChange.get(0), "the new address is visible when the handler hears of it");
            link.send(peerAddress(), new byte[] {9});
            assertEquals(moved, receiveOnPeer(new byte[] {9}), "datagrams leave from the new address");

            link.poll();
            assertEquals(1, recorder.states.size(), "no change, no report");
        }
    }

    @Test
    void interfaceDownIsReportedSendsRefusedAndUpAgainOnTheSamePort() throws Exception {
        int port;
        try (DatagramChannel probe = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        try (InterfaceLink link = new InterfaceLink(settings(port, 3_600_000), os, null)) {
            link.setHandler(recorder);
            assertEquals(new InetSocketAddress("127.0.0.1", port), link.localAddress().orElseThrow());

            os.status = new InterfaceStatus(false, List.of(ip("127.0.0.1")));
            link.poll();
            assertEquals(List.of(LinkState.DOWN), recorder.states);
            assertEquals(LinkState.DOWN, link.state());
            assertTrue(link.localAddress().isEmpty());
            assertThrows(IOException.class, () -> link.send(peerAddress(), new byte[] {1}));

            os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
            link.poll();
            assertEquals(List.of(LinkState.DOWN, LinkState.UP), recorder.states);
            assertEquals(new InetSocketAddress("127.0.0.1", port), link.localAddress().orElseThrow());
            link.send(peerAddress(), new byte[] {2});
            receiveOnPeer(new byte[] {2});
        }
    }

    @Test
    void losingTheAddressOrKeepingOnlyLinkLocalIsDown() throws Exception {
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        try (InterfaceLink link = new InterfaceLink(settings(0, 3_600_000), os, null)) {
            link.setHandler(recorder);
            os.status = InterfaceStatus.upWith(ip("fe80::1"), ip("169.254.1.1"));
            link.poll();
            assertEquals(List.of(LinkState.DOWN), recorder.states);
            os.status = InterfaceStatus.upWith();
            link.poll();
            assertEquals(List.of(LinkState.DOWN), recorder.states, "already down: reported once");
        }
    }

    @Test
    void absentAtStartIsDownThenComesUp() throws Exception {
        try (InterfaceLink link = new InterfaceLink(settings(0, 3_600_000), os, null)) {
            link.setHandler(recorder);
            assertEquals(LinkState.DOWN, link.state());
            assertTrue(link.localAddress().isEmpty());
            assertThrows(IOException.class, () -> link.send(peerAddress(), new byte[] {1}));
            os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
            link.poll();
            assertEquals(List.of(LinkState.UP), recorder.states);
        }
    }

    @Test
    void periodicPollingNoticesChangesByItself() throws Exception {
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        try (InterfaceLink link = new InterfaceLink(settings(0, 20), os, null)) {
            link.setHandler(recorder);
            os.status = InterfaceStatus.ABSENT;
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.states.contains(LinkState.DOWN));
            os.status = InterfaceStatus.upWith(ip("127.0.0.3"));
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.states.contains(LinkState.UP));
            assertEquals(ip("127.0.0.3"), link.localAddress().orElseThrow().getAddress());
        }
    }

    @Test
    void lookupFailureCountsAsDown() throws Exception {
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        try (InterfaceLink link = new InterfaceLink(settings(0, 3_600_000), os, null)) {
            link.setHandler(recorder);
            os.failure = new IOException("netlink says no");
            link.poll();
            assertEquals(List.of(LinkState.DOWN), recorder.states);
            os.failure = null;
            link.poll();
            assertEquals(List.of(LinkState.DOWN, LinkState.UP), recorder.states);
        }
    }

    @Test
    void anAddressThatCannotBeBoundIsDownNotAnError() throws Exception {
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        try (InterfaceLink link = new InterfaceLink(settings(0, 3_600_000), os, null)) {
            link.setHandler(recorder);
            os.status = InterfaceStatus.upWith(ip("192.0.2.123"));
            link.poll();
            assertEquals(List.of(LinkState.DOWN), recorder.states);
            assertTrue(link.localAddress().isEmpty());
        }
    }

    @Test
    void datagramsLargerThanTheMtuAreRefused() throws Exception {
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        InterfaceLinkSettings small = new InterfaceLinkSettings("lte", LinkKind.LTE, "wwan0", 0, 100, 3_600_000, false);
        try (InterfaceLink link = new InterfaceLink(small, os, null)) {
            assertThrows(IOException.class, () -> link.send(peerAddress(), new byte[101]));
            link.send(peerAddress(), new byte[100]);
            receiveOnPeer(new byte[100]);
        }
    }

    @Test
    void closeReportsDownFreesThePortAndStopsPolling() throws Exception {
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        ScheduledThreadPoolExecutor shared = new ScheduledThreadPoolExecutor(1);
        shared.setRemoveOnCancelPolicy(true);
        try {
            InterfaceLink link = new InterfaceLink(settings(0, 3_600_000), os, shared);
            link.setHandler(recorder);
            assertEquals(1, shared.getQueue().size());
            InetSocketAddress local = link.localAddress().orElseThrow();
            link.close();
            link.close();
            assertEquals(List.of(LinkState.DOWN), recorder.states);
            assertEquals(0, shared.getQueue().size(), "polling stopped");
            assertThrows(IOException.class, () -> link.send(peerAddress(), new byte[] {1}));
            try (DatagramChannel again = DatagramChannel.open()) {
                again.bind(local);
            }
        } finally {
            shared.shutdownNow();
        }
    }

    @Test
    void handlerFailureDoesNotStopTheLink() throws Exception {
        os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
        try (InterfaceLink link = new InterfaceLink(settings(0, 3_600_000), os, null)) {
            link.setHandler(new LinkHandler() {
                @Override
                public void received(LinkDriver l, InetSocketAddress source, byte[] datagram) {
                    recorder.received.add(datagram);
                    throw new IllegalStateException("boom");
                }

                @Override
                public void stateChanged(LinkDriver l, LinkState state) {
                    throw new IllegalStateException("boom");
                }
            });
            os.status = InterfaceStatus.ABSENT;
            link.poll();
            assertEquals(LinkState.DOWN, link.state());
            os.status = InterfaceStatus.upWith(ip("127.0.0.1"));
            link.poll();
            InetSocketAddress local = link.localAddress().orElseThrow();
            peer.send(ByteBuffer.wrap(new byte[] {1}), local);
            peer.send(ByteBuffer.wrap(new byte[] {2}), local);
            await().atMost(Duration.ofSeconds(5)).until(() -> recorder.received.size() == 2);
        }
    }

    @Test
    void usableAddressPrefersIpv4AndSkipsLinkLocal() throws Exception {
        assertEquals(ip("10.1.2.3"),
                InterfaceLink.usableAddress(List.of(ip("fe80::1"), ip("2001:db8::5"), ip("10.1.2.3"))).orElseThrow());
        assertEquals(ip("2001:db8::5"), InterfaceLink.usableAddress(List.of(ip("fe80::1"), ip("2001:db8::5"))).orElseThrow());
        assertTrue(InterfaceLink.usableAddress(List.of(ip("fe80::1"), ip("169.254.0.9"))).isEmpty());
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new InterfaceLinkSettings(" ", LinkKind.LTE, "wwan0", 0, 1400, 500, false));
        assertThrows(IllegalArgumentException.class, () -> new InterfaceLinkSettings("a", LinkKind.LTE, " ", 0, 1400, 500, false));
        assertThrows(IllegalArgumentException.class, () -> new InterfaceLinkSettings("a", LinkKind.LTE, "wwan0", 70_000, 1400, 500, false));
        assertThrows(IllegalArgumentException.class, () -> new InterfaceLinkSettings("a", LinkKind.LTE, "wwan0", 0, 10, 500, false));
        assertThrows(IllegalArgumentException.class, () -> new InterfaceLinkSettings("a", LinkKind.LTE, "wwan0", 0, 1400, 0, false));
    }
}
