package net.dtm.link.emulated;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

class EmulatedLinkTest {

    /** A plain UDP socket standing for the far end; records what arrives (payload = 4-byte index). */
    static final class Peer implements AutoCloseable {
        final DatagramChannel channel;
        final Set<Integer> indices = ConcurrentHashMap.newKeySet();
        final AtomicLong count = new AtomicLong();
        final List<Long> arrivalNanos = new CopyOnWriteArrayList<>();
        final boolean echo;
        final Thread thread;

        Peer(boolean echo) throws IOException {
            this.echo = echo;
            channel = DatagramChannel.open();
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            thread = new Thread(this::loop, "peer");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        private void loop() {
            ByteBuffer buf = ByteBuffer.allocate(2048);
            while (channel.isOpen()) {
                try {
                    buf.clear();
                    var from = channel.receive(buf);
                    arrivalNanos.add(System.nanoTime());
                    buf.flip();
                    if (buf.remaining() >= 4) {
                        indices.add(buf.getInt(0));
                    }
                    count.incrementAndGet();
                    if (echo) {
                        channel.send(buf, from);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        void sendTo(InetSocketAddress to, int index) throws IOException {
            channel.send(ByteBuffer.allocate(4).putInt(0, index), to);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    static byte[] index(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    private Peer peer;

    @BeforeEach
    void setUp() throws IOException {
        peer = new Peer(false);
    }

    @AfterEach
    void tearDown() throws IOException {
        peer.close();
    }

    private static EmulatedLinkSettings settings(String id) {
        return EmulatedLinkSettings.clean(id);
    }

    @Test
    void zeroLossDeliversEverythingBothWays() throws Exception {
        CountDownLatch received = new CountDownLatch(200);
        try (EmulatedLink link = new EmulatedLink(settings("clean"))) {
            link.setHandler((l, src, d) -> received.countDown());
            InetSocketAddress local = link.localAddress().orElseThrow();
            for (int i = 0; i < 200; i++) {
                link.send(peer.address(), index(i));
                peer.sendTo(local, i);
            }
            assertTrue(received.await(5, TimeUnit.SECONDS), "all inbound datagrams delivered");
            await().atMost(Duration.ofSeconds(5)).until(() -> peer.indices.size() == 200);
            LinkCounters c = link.counters();
            assertEquals(200, c.datagramsSent());
            assertEquals(800, c.bytesSent());
            assertEquals(200, c.datagramsReceived());
            assertEquals(0, c.droppedOutbound());
            assertEquals(0, c.droppedInbound());
        }
    }

    @Test
    void lossRateIsCloseToConfiguredAndRepeatableForTheSameSeed() throws Exception {
        int n = 2000;
        Set<Integer> first = sendAll(settings("a").withLoss(30).withSeed(42), n);
        Set<Integer> second = sendAll(settings("b").withLoss(30).withSeed(42), n);
        Set<Integer> other = sendAll(settings("c").withLoss(30).withSeed(7), n);
        double lossRate = 1.0 - first.size() / (double) n;
        assertTrue(lossRate > 0.26 && lossRate < 0.34, "loss rate " + lossRate + " should be near 0.30");
        assertEquals(first, second, "same seed, same traffic: same datagrams dropped");
        assertNotEquals(first, other, "another seed drops other datagrams");
    }

    private Set<Integer> sendAll(EmulatedLinkSettings s, int n) throws Exception {
        try (Peer p = new Peer(false); EmulatedLink link = new EmulatedLink(s)) {
            for (int i = 0; i < n; i++) {
                link.send(p.address(), index(i));
            }
            long expected = link.counters().datagramsSent();
            assertEquals(n, expected + link.counters().droppedOutbound());
            await().atMost(Duration.ofSeconds(5)).until(() -> p.count.get() == expected);
            return Set.copyOf(p.indices);
        }
    }

    @Test
    void inboundLossIsAppliedIndependently() throws Exception {
        int n = 1000;
        try (EmulatedLink link = new EmulatedLink(settings("in").withLoss(50).withSeed(99))) {
            AtomicLong got = new AtomicLong();
            link.setHandler((l, src, d) -> got.incrementAndGet());
            for (int i = 0; i < n; i++) {
                peer.sendTo(link.localAddress().orElseThrow(), i);
                if (i % 100 == 99) {
                    // Paced so the kernel never drops: only the emulation may.
                    int sent = i + 1;
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> link.counters().datagramsReceived() + link.counters().droppedInbound() == sent);
                }
            }
            double rate = link.counters().droppedInbound() / (double) n;
            assertTrue(rate > 0.44 && rate < 0.56, "inbound loss " + rate + " should be near 0.5");
            assertEquals(link.counters().datagramsReceived(), got.get());
        }
    }

    @Test
    void roundTripTakesAtLeastTheConfiguredRtt() throws Exception {
        try (Peer echo = new Peer(true); EmulatedLink link = new EmulatedLink(settings("slow").withRtt(60))) {
            List<Long> back = new CopyOnWriteArrayList<>();
            link.setHandler((l, src, d) -> back.add(System.nanoTime()));
            long start = System.nanoTime();
            link.send(echo.address(), index(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> back.size() == 1);
            double oneWayMs = (echo.arrivalNanos.get(0) - start) / 1e6;
            double rttMs = (back.get(0) - start) / 1e6;
            assertTrue(oneWayMs >= 30.0, "one way " + oneWayMs + " ms should be >= 30 ms");
            assertTrue(rttMs >= 60.0, "round trip " + rttMs + " ms should be >= 60 ms");
            assertTrue(rttMs < 1000, "round trip " + rttMs + " ms should not be absurd");
        }
    }

    @Test
    void jitterStaysWithinBounds() throws Exception {
        try (Peer echo = new Peer(true);
             EmulatedLink link = new EmulatedLink(settings("jit").withRtt(40).withJitter(10).withSeed(5))) {
            List<Long> back = new CopyOnWriteArrayList<>();
            link.setHandler((l, src, d) -> back.add(System.nanoTime()));
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                link.send(echo.address(), index(i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> back.size() == 20);
            long earliest = back.stream().mapToLong(Long::longValue).min().orElseThrow();
            assertTrue((earliest - start) / 1e6 >= 20.0, "each direction >= 20 - 10 ms");
        }
    }

    @Test
    void closeReleasesTheSocketAndRejectsSends() throws Exception {
        EmulatedLink link = new EmulatedLink(settings("gone"));
        List<LinkState> states = new CopyOnWriteArrayList<>();
        link.setHandler(new LinkHandler() {
            @Override
            public void received(LinkDriver l, InetSocketAddress source, byte[] datagram) {
            }

            @Override
            public void stateChanged(LinkDriver l, LinkState state) {
                states.add(state);
            }
        });
        InetSocketAddress local = link.localAddress().orElseThrow();
        link.close();
        link.close();
        assertEquals(LinkState.DOWN, link.state());
        assertTrue(link.localAddress().isEmpty());
        assertEquals(List.of(LinkState.DOWN), states);
        assertThrows(IOException.class, () -> link.send(peer.address(), index(0)));
        try (DatagramChannel again = DatagramChannel.open()) {
            again.bind(local);
            assertEquals(local, again.getLocalAddress());
        }
    }

    @Test
    void closeFreesThePortBeforeItReturnsEveryTime() throws Exception {
        // The receiver thread is blocked in receive() when close() runs; the socket is only
        // released once it has left, so without waiting for it this rebind fails now and then.
        for (int i = 0; i < 50; i++) {
            EmulatedLink link = new EmulatedLink(settings("rebind-" + i));
            InetSocketAddress local = link.localAddress().orElseThrow();
            link.close();
            try (DatagramChannel again = DatagramChannel.open()) {
                again.bind(local);
            }
        }
    }

    @Test
    void downDropsEverythingUntilUpAgain() throws Exception {
        try (EmulatedLink link = new EmulatedLink(settings("outage"))) {
            AtomicLong got = new AtomicLong();
            List<LinkState> states = new CopyOnWriteArrayList<>();
            link.setHandler(new LinkHandler() {
                @Override
                public void received(LinkDriver l, InetSocketAddress source, byte[] datagram) {
                    got.incrementAndGet();
                }

                @Override
                public void stateChanged(LinkDriver l, LinkState state) {
                    states.add(state);
                }
            });
            link.setState(LinkState.DOWN);
            assertEquals(LinkState.DOWN, link.state());
            assertThrows(IOException.class, () -> link.send(peer.address(), index(1)));
            assertEquals(1, link.counters().droppedOutbound());
            peer.sendTo(link.localAddress().orElseThrow(), 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> link.counters().droppedInbound() == 1);
            assertEquals(0, got.get());

            link.setState(LinkState.UP);
            link.send(peer.address(), index(3));
            peer.sendTo(link.localAddress().orElseThrow(), 4);
            await().atMost(Duration.ofSeconds(5)).until(() -> got.get() == 1 && peer.indices.contains(3));
            assertFalse(peer.indices.contains(1));
            assertEquals(List.of(LinkState.DOWN, LinkState.UP), states);
        }
    }

    @Test
    void outageDropsDatagramsAlreadyInFlight() throws Exception {
        try (EmulatedLink link = new EmulatedLink(settings("flight").withRtt(400))) {
            link.send(peer.address(), index(1));
            link.setState(LinkState.DOWN);
            await().atMost(Duration.ofSeconds(5)).until(() -> link.counters().droppedOutbound() == 1);
            assertEquals(0, link.counters().datagramsSent());
        }
    }

    @Test
    void datagramsWithoutHandlerAreDroppedAndCounted() throws Exception {
        try (EmulatedLink link = new EmulatedLink(settings("nohandler"))) {
            peer.sendTo(link.localAddress().orElseThrow(), 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> link.counters().droppedInbound() == 1);
        }
    }

    @Test
    void handlerFailureDoesNotStopTheLink() throws Exception {
        try (EmulatedLink link = new EmulatedLink(settings("throwing"))) {
            AtomicLong calls = new AtomicLong();
            link.setHandler((l, src, d) -> {
                calls.incrementAndGet();
                throw new IllegalStateException("boom");
            });
            peer.sendTo(link.localAddress().orElseThrow(), 1);
            peer.sendTo(link.localAddress().orElseThrow(), 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
        }
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new EmulatedLinkSettings("x", LinkKind.LTE, 10, 0, 101, 0, "127.0.0.1"));
        assertThrows(IllegalArgumentException.class,
                () -> new EmulatedLinkSettings("x", LinkKind.LTE, -1, 0, 0, 0, "127.0.0.1"));
        assertThrows(IllegalArgumentException.class,
                () -> new EmulatedLinkSettings(" ", LinkKind.LTE, 1, 0, 0, 0, "127.0.0.1"));
        assertThrows(IOException.class,
                () -> new EmulatedLink(new EmulatedLinkSettings("x", LinkKind.LTE, 1, 0, 0, 0, "192.0.2.123")));
    }
}
