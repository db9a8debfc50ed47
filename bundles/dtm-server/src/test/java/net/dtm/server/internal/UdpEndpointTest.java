package net.dtm.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Params;
import net.dtm.protocol.Release;

class UdpEndpointTest {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final Counters counters = new Counters();
    private UdpEndpoint endpoint;
    private DatagramSocket client;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (client != null) {
            client.close();
        }
    }

    private UdpEndpoint open(BiFunction<byte[], InetSocketAddress, Optional<byte[]>> handler, int threads, int queue,
                             int perSource) throws IOException {
        endpoint = new UdpEndpoint(LOOPBACK_ANY_PORT, handler, counters, threads, queue, perSource);
        return endpoint;
    }

    private byte[] exchange(byte[] request, int timeoutMillis) throws IOException {
        if (client == null) {
            client = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        }
        client.setSoTimeout(timeoutMillis);
        client.send(new DatagramPacket(request, request.length, endpoint.localAddress()));
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        return Arrays.copyOf(buffer, packet.getLength());
    }

    @Test
    void answersToTheSourceOfEachDatagram() throws Exception {
        open((data, source) -> {
            byte[] out = data.clone();
            out[0]++;
            return Optional.of(out);
        }, 2, 16, 16);
        assertTrue(endpoint.port() > 0);
        assertArrayEquals(new byte[] {2, 2, 3}, exchange(new byte[] {1, 2, 3}, 5000));
        assertArrayEquals(new byte[] {6}, exchange(new byte[] {5}, 5000));
    }

    @Test
    void emptyAnswerSendsNothing() throws Exception {
        CountDownLatch handled = new CountDownLatch(1);
        open((data, source) -> {
            handled.countDown();
            return Optional.empty();
        }, 1, 16, 16);
        assertThrows(SocketTimeoutException.class, () -> exchange(new byte[] {1}, 300));
        assertTrue(handled.await(5, TimeUnit.SECONDS));
    }

    @Test
    void oversizedDatagramsReachTheHandlerAtFullLength() throws Exception {
        open((data, source) -> Optional.of(new byte[] {(byte) (data.length >> 8), (byte) data.length}), 1, 16, 16);
        byte[] answer = exchange(new byte[1500], 5000);
        assertEquals(1500, ((answer[0] & 0xff) << 8) | (answer[1] & 0xff));
    }

    @Test
    void handlerFailureIsCountedAndTheEndpointKeepsServing() throws Exception {
        open((data, source) -> {
            if (data[0] == 0) {
                throw new IllegalStateException("bug");
            }
            return Optional.of(data);
        }, 1, 16, 16);
        assertThrows(SocketTimeoutException.class, () -> exchange(new byte[] {0}, 300));
        assertArrayEquals(new byte[] {9}, exchange(new byte[] {9}, 5000));
        assertEquals(1, counters.get("dropped.internal"));
    }

    @Test
    void aDatagramThatWaitedTooLongInTheNormalLaneIsDroppedAndThePriorityLaneIsNot() throws Exception {
        Blocked b = blockTheOneWorker();
        AtomicLong now = b.now();
        List<byte[]> handled = b.handled();
        for (byte[] d : List.of(unknownDevice(2), unknownDevice(3))) {
            client.send(new DatagramPacket(d, d.length, endpoint.localAddress()));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> endpoint.waiting() == 2);
        now.addAndGet(Duration.ofMillis(2001).toNanos());
        byte[] fresh = unknownDevice(4);
        byte[] priority = b.known().request(new Release("demo", InetAddress.getLoopbackAddress(), 1));
        client.send(new DatagramPacket(fresh, fresh.length, endpoint.localAddress()));
        client.send(new DatagramPacket(priority, priority.length, endpoint.localAddress()));
        await().atMost(Duration.ofSeconds(5)).until(() -> endpoint.waiting() == 4);
        now.addAndGet(Duration.ofSeconds(1).toNanos());   // the fresh one waited 1 s: served
        b.release().countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 3);
        assertEquals(2, counters.get("dropped.stale"));
        assertArrayEquals(b.first(), handled.get(0));
        assertArrayEquals(priority, handled.get(1), "the priority lane first, however long it waited");
        assertArrayEquals(fresh, handled.get(2));
    }

    /**
     * A known device's datagram that waited in the priority lane longer than an agent's whole
     * attempt is dropped too (its agent has sent a fresher copy or given up); one that waited less
     * is served. Fails without the priority lane's limit: the old datagram is answered.
     */
    @Test
    void aDatagramThatWaitedLongerThanAnAttemptInThePriorityLaneIsDropped() throws Exception {
        Blocked b = blockTheOneWorker();
        AtomicLong now = b.now();
        List<byte[]> handled = b.handled();
        byte[] old = b.known().request(new Release("demo", InetAddress.getLoopbackAddress(), 1));
        client.send(new DatagramPacket(old, old.length, endpoint.localAddress()));
        await().atMost(Duration.ofSeconds(5)).until(() -> endpoint.waiting() == 1);
        now.addAndGet(UdpEndpoint.PRIORITY_MAX_WAIT.toNanos() - Duration.ofSeconds(1).toNanos());
        byte[] fresh = b.known().request(new Release("demo", InetAddress.getLoopbackAddress(), 2));
        client.send(new DatagramPacket(fresh, fresh.length, endpoint.localAddress()));
        await().atMost(Duration.ofSeconds(5)).until(() -> endpoint.waiting() == 2);
        now.addAndGet(Duration.ofMillis(1001).toNanos());   // old: the limit and 1 ms; fresh: 1 s
        b.release().countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.size() == 2);
        assertEquals(1, counters.get("dropped.stale"));
        assertArrayEquals(b.first(), handled.get(0));
        assertArrayEquals(fresh, handled.get(1), "the fresher copy is served, the stale one is not");
    }

    /** The one worker held by {@code first} until {@code release}; what it handled; the endpoint's clock. */
    private record Blocked(AtomicLong now, CountDownLatch release, List<byte[]> handled, TestDevice known, byte[] first) {
    }

    /**
     * An endpoint of one worker whose handler records each datagram and blocks until released; its
     * screen knows one device (the priority lane), its normal lane's wait is 2 s, its clock is set
     * by hand; and a client whose first datagram (an unknown device's) holds the worker.
     */
    private Blocked blockTheOneWorker() throws Exception {
        AtomicLong now = new AtomicLong();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        List<byte[]> handled = new CopyOnWriteArrayList<>();
        TestDevice known = new TestDevice("smr-known");
        DatagramScreen screen = new DatagramScreen(16, counters);
        screen.remember(known.id);
        endpoint = UdpEndpoint.async(LOOPBACK_ANY_PORT, (data, source) -> {
            handled.add(data);
            started.countDown();
            try {
                assertTrue(release.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(Optional.empty());
        }, screen, counters, UdpEndpoint.Limits.of(1, 16, 16), Duration.ofSeconds(2), now::get);
        client = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        byte[] first = unknownDevice(1);
        client.send(new DatagramPacket(first, first.length, endpoint.localAddress()));
        assertTrue(started.await(5, TimeUnit.SECONDS), "the one worker is busy");
        return new Blocked(now, release, handled, known, first);
    }

    /** A datagram the screen sends to the normal lane (a device it does not know). */
    private static byte[] unknownDevice(int n) {
        return new TestDevice("unknown-" + n).request(new Release("demo", InetAddress.getLoopbackAddress(), n));
    }

    @Test
    void oneNoisySourceIsCappedAndCounted() throws Exception {
        // three per source: one in work, two queued, the rest refused although the queue has room
        floodWhileHandlersBlock(100, 3, 20, "dropped.source-limit", 17);
    }

    @Test
    void fullQueueDropsAndCounts() throws Exception {
        // one in work, two queued, the rest refused
        floodWhileHandlersBlock(2, 100, 10, "dropped.overload", 7);
    }

    @Test
    void answersWaitingForTheStoreHoldNoWorkerUpToTheBoundAndAreSentWhenReady() throws Exception {
        int bound = UdpEndpoint.IN_WORK_PER_THREAD;
        List<CompletableFuture<Optional<byte[]>>> inWork = new CopyOnWriteArrayList<>();
        endpoint = UdpEndpoint.async(LOOPBACK_ANY_PORT, (data, source) -> {
            CompletableFuture<Optional<byte[]>> answer = new CompletableFuture<>();
            inWork.add(answer);
            return answer;
        }, UdpEndpoint.NO_SCREEN, counters, UdpEndpoint.Limits.of(1, 100, 100));
        client = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        client.setSoTimeout(5000);
        for (int i = 0; i < bound + 2; i++) {
            client.send(new DatagramPacket(new byte[] {(byte) i}, 1, endpoint.localAddress()));
        }
        // one worker took 16 requests whose answers wait, then waits itself
        await().atMost(Duration.ofSeconds(5)).until(() -> inWork.size() == bound);

        inWork.get(3).complete(Optional.of(new byte[] {42}));
        byte[] buffer = new byte[16];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        client.receive(packet);
        assertEquals(42, buffer[0], "sent by the thread that completed it");
        await().atMost(Duration.ofSeconds(5)).until(() -> inWork.size() == bound + 1); // a permit came back
        inWork.forEach(f -> f.complete(Optional.empty()));
        await().atMost(Duration.ofSeconds(5)).until(() -> inWork.size() == bound + 2);
        inWork.forEach(f -> f.complete(Optional.empty()));
        assertEquals(0, counters.get("dropped.overload"));
    }

    /** Sends {@code count} datagrams from one source to a one-worker endpoint whose handler blocks. */
    private void floodWhileHandlersBlock(int queue, int perSource, int count, String counter, long expected)
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        open((data, source) -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }, 1, queue, perSource);
        try (DatagramSocket noisy = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            noisy.send(new DatagramPacket(new byte[] {1}, 1, endpoint.localAddress()));
            assertTrue(started.await(5, TimeUnit.SECONDS), "the first datagram is in work");
            for (int i = 1; i < count; i++) {
                noisy.send(new DatagramPacket(new byte[] {1}, 1, endpoint.localAddress()));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> counters.get(counter) == expected);
        } finally {
            release.countDown();
        }
    }

    @Test
    void secondBindOnTheSamePortFailsClearlyAndCloseReleasesThePort() throws Exception {
        open((data, source) -> Optional.of(data), 1, 16, 16);
        int port = endpoint.port();
        InetSocketAddress same = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        IOException e = assertThrows(IOException.class, () -> new UdpEndpoint(same, (d, s) -> Optional.empty(), counters, 1, 1, 1));
        assertTrue(e.getMessage().contains(String.valueOf(port)), e.getMessage());

        endpoint.close();
        endpoint = null;
        try (DatagramSocket probe = new DatagramSocket(same)) {
            assertEquals(port, probe.getLocalPort());
        }
        endpoint = new UdpEndpoint(same, (d, s) -> Optional.of(d), counters, 1, 16, 16);
        assertArrayEquals(new byte[] {4}, exchange(new byte[] {4}, 5000));
    }

    @Test
    void establishOverRealLoopbackUdp() throws Exception {
        FakePools pools = new FakePools(Clock.systemUTC());
        pools.createPool(Pool.of("demo", "10.64.0.0/24", 3600));
        TestDevice device = new TestDevice("smr-udp");
        ServerSettings settings = new ServerSettings("node-u", new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("127.0.0.1", 4789), TunnelType.VXLAN, 1400, 10, "demo", List.of());
        RequestHandler handler = new RequestHandler(settings,
                id -> id.equals(device.id) ? Optional.of(device.key) : Optional.empty(), pools, Clock.systemUTC(),
                counters, RequestHandler.DEFAULT_ANSWER_TTL, 1000);
        open(handler::handle, 2, 64, 64);
        byte[] request = device.request(new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty()));
        byte[] first = exchange(request, 5000);
        Envelope answer = device.open(first);
        Params params = assertInstanceOf(Params.class, answer.body());
        assertEquals("10.64.0.2", params.parameters().innerAddress().getHostAddress());
        assertArrayEquals(first, exchange(request, 5000), "a second copy gets the very same datagram");
        assertThrows(SocketTimeoutException.class, () -> exchange(new byte[] {1, 2, 3}, 300));
        await().atMost(Duration.ofSeconds(5)).until(() -> counters.get("dropped.truncated") + counters.get("dropped.malformed")
                + counters.get("dropped.bad_magic") == 1);
    }
}
