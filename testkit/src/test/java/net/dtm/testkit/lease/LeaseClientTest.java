package net.dtm.testkit.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Header;

class LeaseClientTest {

    private static final long SEED = 42;
    private static final String PREFIX = "10.77.0.0/16";

    @TempDir
    static Path dir;
    static LeaseNode node;

    @BeforeAll
    static void startNode() throws IOException {
        node = LeaseNode.start(LeaseNode.Config.defaults(dir.resolve("db")).withPool("bench", PREFIX));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** Records what the client tells, per device. */
    static final class Recorder implements LeaseClient.Listener {
        final Map<DeviceId, InetAddress> told = new ConcurrentHashMap<>();
        final Map<DeviceId, InetAddress> confirmed = new ConcurrentHashMap<>();
        final Map<DeviceId, String> refused = new ConcurrentHashMap<>();
        final Set<DeviceId> timedOut = ConcurrentHashMap.newKeySet();
        final AtomicInteger confirmedBeforeTold = new AtomicInteger();

        @Override
        public void told(DeviceId device, String pool, InetAddress address, long leaseSequence) {
            told.put(device, address);
        }

        @Override
        public void confirmed(DeviceId device, String pool, InetAddress address, long leaseSequence) {
            if (!address.equals(told.get(device))) {
                confirmedBeforeTold.incrementAndGet();
            }
            confirmed.put(device, address);
        }

        @Override
        public void refused(DeviceId device, String reason, String text) {
            refused.put(device, reason + ": " + text);
        }

        @Override
        public void timedOut(DeviceId device) {
            timedOut.add(device);
        }
    }

    @Test
    void establishesEveryDeviceWithItsOwnAddressAndTheStoreHoldsTheBindings() throws IOException {
        List<DeviceId> devices = DeviceKeys.ids("t1", 200);
        node.enroll(devices, d -> DeviceKeys.key(SEED, d));
        Recorder rec = new Recorder();
        LeaseClient.Options options = LeaseClient.Options.DEFAULTS
                .withLocalAddresses(LeaseClient.Options.loopbackAddresses(2)).withReceiverThreads(2);
        LeaseClient.Result r;
        try (LeaseClient client = new LeaseClient(node.address(), DeviceKeys.keys(SEED, devices), 32, rec, options)) {
            r = client.runOnce(devices, Duration.ofSeconds(60));
        }

        assertEquals(200, r.attempted(), r.toString());
        assertEquals(200, r.told(), r.toString());
        assertEquals(200, r.confirmed(), r.toString() + " refused " + rec.refused + " timed out " + rec.timedOut);
        assertEquals(0, r.refused());
        assertEquals(0, r.timedOut());
        assertEquals(200, r.latencyMicros().length);
        assertEquals(0, rec.confirmedBeforeTold.get(), "confirmed must come after told, with the same address");
        assertEquals(200, Set.copyOf(rec.confirmed.values()).size(), "addresses must be distinct: " + rec.confirmed);
        Cidr pool = Cidr.parse(PREFIX);
        for (DeviceId d : devices) {
            InetAddress a = rec.confirmed.get(d);
            assertTrue(pool.contains(a), a + " outside " + PREFIX);
            Lease stored = node.pools().lease("bench", d).orElseThrow(() -> new AssertionError("no lease of " + d));
            assertEquals(a, stored.address());
            assertEquals(LeaseState.BOUND, stored.state(), "lease of " + d);
        }
    }

    @Test
    void aNakEndsTheDeviceAsRefusedWithTheReason() throws IOException {
        List<DeviceId> devices = DeviceKeys.ids("t2", 5);
        node.enroll(devices, d -> DeviceKeys.key(SEED, d));
        Recorder rec = new Recorder();
        LeaseClient.Options options = LeaseClient.Options.DEFAULTS.withPool("no-such-pool");
        LeaseClient.Result r;
        try (LeaseClient client = new LeaseClient(node.address(), DeviceKeys.keys(SEED, devices), 4, rec, options)) {
            r = client.runOnce(devices, Duration.ofSeconds(30));
        }
        assertEquals(5, r.refused(), r.toString());
        assertEquals(0, r.told());
        assertEquals(5, rec.refused.size());
        rec.refused.values().forEach(v -> assertTrue(v.startsWith("no-pool: "), v));
    }

    @Test
    void aSilentServerGetsEveryRequestAttemptsTimesThenTheDevicesTimeOut() throws Exception {
        List<DeviceId> devices = DeviceKeys.ids("t3", 10);
        Map<DeviceId, Integer> copies = new ConcurrentHashMap<>();
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            silent.setSoTimeout(100);
            Thread reader = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!silent.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        silent.receive(p);
                        byte[] d = java.util.Arrays.copyOf(p.getData(), p.getLength());
                        Header h = Codec.peek(d);
                        copies.merge(h.device(), 1, Integer::sum);
                    } catch (SocketTimeoutException e) {
                        // look at isClosed again
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            reader.start();
            Recorder rec = new Recorder();
            LeaseClient.Options options = LeaseClient.Options.DEFAULTS.withTimeout(Duration.ofMillis(50)).withAttempts(3);
            LeaseClient.Result r;
            try (LeaseClient client = new LeaseClient((InetSocketAddress) silent.getLocalSocketAddress(),
                    DeviceKeys.keys(SEED, devices), 4, rec, options)) {
                r = client.runOnce(devices, Duration.ofSeconds(30));
                assertEquals(20, client.retransmissions());
            }
            silent.close();
            reader.join();
            assertEquals(10, r.timedOut(), r.toString());
            assertEquals(Set.copyOf(devices), rec.timedOut);
            assertEquals(0, r.confirmed());
            for (DeviceId d : devices) {
                assertEquals(3, copies.getOrDefault(d, 0), "ESTABLISH copies of " + d);
            }
        }
    }

    @Test
    void runForKeepsGoingUntilTheDurationAndCountsAddUp() throws IOException {
        List<DeviceId> devices = new ArrayList<>(DeviceKeys.ids("t4", 3000));
        node.enroll(devices, d -> DeviceKeys.key(SEED, d));
        LeaseClient.Result r;
        try (LeaseClient client = new LeaseClient(node.address(), DeviceKeys.keys(SEED, devices), 16, null)) {
            r = client.runFor(devices.iterator(), Duration.ofMillis(700));
        }
        assertTrue(r.attempted() > 0 && r.attempted() < 3000, "stopped by time, not by running out: " + r);
        assertEquals(r.attempted(), r.confirmed() + r.refused() + r.timedOut(), r.toString());
        assertEquals(0, r.timedOut(), r.toString());
        assertTrue(r.elapsed().toMillis() >= 700, r.toString());
    }
}
