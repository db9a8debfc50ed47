package net.dtm.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.Release;
import net.dtm.protocol.Transactions;

/** The endpoint under floods, over real loopback UDP from many 127.0.x.y source addresses. */
class UdpEndpointFloodTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Counters counters = new Counters();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final TestDevice device = new TestDevice("smr-good");
    private final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private static InetAddress loopback(int n) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + n / 250), (byte) (2 + n % 250)});
    }

    /** A well-formed request header of an unknown device, sealed with a random key. */
    private static byte[] garbage() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Codec.encode(new Envelope(Direction.TO_SERVER, DeviceId.of("x" + RANDOM.nextInt(1_000_000)),
                Transactions.newId(), 1, new Release("demo", InetAddress.getLoopbackAddress(), 1)), key);
    }

    private byte[] request() {
        return device.request(new Release("demo", InetAddress.getLoopbackAddress(), 1));
    }

    /**
     * Answers the test's routers (ids smr-...) at once; for any other device, looks the key up "in the store" (20 ms)
     * and finds none, as the request handler does for garbage naming unknown devices.
     */
    private CompletableFuture<Optional<byte[]>> handle(byte[] datagram, InetSocketAddress source) {
        handled.incrementAndGet();
        try {
            if (Codec.peek(datagram).device().value().startsWith("smr-")) {   // the test's real routers
                return CompletableFuture.completedFuture(Optional.of(datagram));
            }
            Thread.sleep(20);
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }

    private UdpEndpoint endpoint(UdpEndpoint.Limits limits) throws IOException {
        UdpEndpoint endpoint = UdpEndpoint.async(LOOPBACK_ANY_PORT, this::handle, new DatagramScreen(1024, counters),
                counters, limits);
        open.add(endpoint);
        return endpoint;
    }

    private DatagramSocket socket(InetAddress address) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0));
        open.add(s);
        return s;
    }

    /**
     * Sends {@code request} and returns its answer (the test's handler echoes it), sending it again
     * every 100 ms as an agent retransmits: under a flood the kernel may drop a datagram before the
     * endpoint sees it (its socket buffer full), which no server can prevent. Gives up after 3 s.
     */
    private static byte[] exchange(DatagramSocket client, byte[] request, InetSocketAddress to) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        client.setSoTimeout(100);
        byte[] buffer = new byte[2048];
        while (true) {
            client.send(new DatagramPacket(request, request.length, to));
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                client.receive(packet);
                byte[] answer = Arrays.copyOf(buffer, packet.getLength());
                if (Arrays.equals(answer, request)) {
                    return answer;
                }
                // a late echo of an earlier request: keep waiting for this one's
            } catch (SocketTimeoutException retransmit) {
                if (System.nanoTime() > deadline) {
                    throw retransmit;
                }
            }
        }
    }

    /** Sends garbage from {@code sources} addresses until stopped, at most {@code max} datagrams. */
    private Thread flood(InetSocketAddress to, int sources, int max, AtomicBoolean stop, AtomicInteger sent)
            throws IOException {
        List<DatagramSocket> sockets = new ArrayList<>();
        for (int i = 0; i < sources; i++) {
            sockets.add(socket(loopback(i)));
        }
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            datagrams.add(garbage());
        }
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < max && !stop.get(); i++) {
                    byte[] d = datagrams.get(i % datagrams.size());
                    sockets.get(i % sources).send(new DatagramPacket(d, d.length, to));
                    sent.incrementAndGet();
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }, "flood");
        t.setDaemon(true);
        t.start();
        open.add(() -> {
            stop.set(true);
            t.join(5000);
        });
        return t;
    }

    @Test
    void aKnownDeviceIsAnsweredWhileGarbageFromManySourcesFillsTheQueue() throws Exception {
        UdpEndpoint endpoint = endpoint(new UdpEndpoint.Limits(4, 32, 256, 10_000, 10_000, 4096));
        DatagramSocket router = socket(loopback(999));
        byte[] first = request();
        assertArrayEquals(first, exchange(router, first, endpoint.localAddress()), "answered before the flood");

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        flood(endpoint.localAddress(), 50, 2_000_000, stop, sent);
        await().atMost(Duration.ofSeconds(10)).until(() -> counters.get("dropped.overload") > 100);
        // the garbage fills the normal lane (20 ms each on three workers); the device's renewal is
        // in the priority lane and is answered although the garbage came first
        for (int i = 0; i < 5; i++) {
            byte[] renewal = request();
            long started = System.nanoTime();
            assertArrayEquals(renewal, exchange(router, renewal, endpoint.localAddress()));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis < 1000, "answered in " + millis + " ms");
        }
        assertTrue(counters.get("dropped.overload") > 100, "the flood did fill the queue");
    }

    @Test
    void oneFloodingSourceIsHeldToItsRateAndOthersAreAnswered() throws Exception {
        UdpEndpoint endpoint = endpoint(new UdpEndpoint.Limits(4, 4096, 4096, 50, 20, 4096));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        long started = System.nanoTime();
        Thread flood = flood(endpoint.localAddress(), 1, 20_000, stop, sent);
        DatagramSocket router = socket(loopback(999));
        byte[] request = request();
        assertArrayEquals(request, exchange(router, request, endpoint.localAddress()));
        flood.join(30_000);
        double seconds = (System.nanoTime() - started) / 1e9;
        await().atMost(Duration.ofSeconds(10)).until(() -> counters.get("dropped.source-rate") > 0);
        // what passed the source's bucket (burst 20, 50 per second) is all that can reach the handler;
        // the rest was dropped at the bucket, or by the kernel before the endpoint read it
        long allowed = 20 + (long) Math.ceil(50 * seconds);
        assertTrue(handled.get() <= allowed + 30, // + the router's request and its copies (at most 30 in 3 s)
                handled.get() + " of " + sent.get() + " handled in " + seconds + " s: the source's bucket allows " + allowed);
    }

    @Test
    void manyDistinctSourcesKeepTheSourceTableBounded() throws Exception {
        UdpEndpoint endpoint = endpoint(new UdpEndpoint.Limits(2, 4096, 16, 1, 1, 32));
        int sources = 2000;
        for (int i = 0; i < sources; i++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback(i), 0))) {
                // a router new to the node each time: counted against its source address
                byte[] d = new TestDevice("smr-source-" + i).request(new Release("demo", InetAddress.getLoopbackAddress(), 1));
                s.send(new DatagramPacket(d, d.length, endpoint.localAddress()));
            }
            assertTrue(endpoint.trackedSources() <= 32, "tracked " + endpoint.trackedSources());
        }
        // every datagram is accounted for: handled (its own or the shared bucket) or dropped and counted
        await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() + counters.get("dropped.source-rate") == sources);
        assertTrue(handled.get() >= 32, handled.get() + " handled");
        assertTrue(endpoint.trackedSources() <= 32, "tracked " + endpoint.trackedSources());
    }

    /**
     * Routers behind one carrier NAT address: each known device is limited as itself, so together
     * they may send far more than one source's burst (before, they shared the address's bucket).
     */
    @Test
    void knownDevicesSharingOneAddressAreLimitedEachAsItself() throws Exception {
        UdpEndpoint endpoint = endpoint(new UdpEndpoint.Limits(2, 4096, 4096, 0.001, 4, 4096));
        DatagramSocket nat = socket(loopback(998));
        List<TestDevice> routers = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            routers.add(new TestDevice("smr-nat-" + r));
        }
        int answered = 0;
        for (TestDevice router : routers) {   // each router's first datagram: the address's bucket, then known
            byte[] first = router.request(new Release("demo", InetAddress.getLoopbackAddress(), 1));
            answered += exchangeOrNothing(nat, first, endpoint.localAddress()) ? 1 : 0;
        }
        assertEquals(4, answered, "the address's burst of 4 let each router's first datagram in");
        answered = 0;
        for (TestDevice router : routers) {
            for (int i = 0; i < 4; i++) {
                byte[] d = router.request(new Release("demo", InetAddress.getLoopbackAddress(), 1));
                answered += exchangeOrNothing(nat, d, endpoint.localAddress()) ? 1 : 0;
            }
        }
        assertEquals(16, answered, "4 known routers x their own burst of 4, from one address whose bucket is empty");
        byte[] fifth = routers.get(0).request(new Release("demo", InetAddress.getLoopbackAddress(), 1));
        assertEquals(false, exchangeOrNothing(nat, fifth, endpoint.localAddress()), "a router beyond its own burst");
        assertEquals(1, counters.get("dropped.device-rate"));
    }

    private static boolean exchangeOrNothing(DatagramSocket client, byte[] request, InetSocketAddress to) throws IOException {
        client.setSoTimeout(500);
        client.send(new DatagramPacket(request, request.length, to));
        byte[] buffer = new byte[2048];
        try {
            client.receive(new DatagramPacket(buffer, buffer.length));
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }
}
