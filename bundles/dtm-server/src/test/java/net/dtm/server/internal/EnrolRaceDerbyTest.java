package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.TunnelType;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolReply.Status;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.store.derby.DerbyStore;

/**
 * Enrolment racing on two nodes (two request handlers, each with its own device registry) over ONE
 * Derby store: every router sends each ENROL to both nodes at once, as the agent does.
 */
class EnrolRaceDerbyTest {

    private static final InetSocketAddress LINK_A = new InetSocketAddress("192.0.2.10", 40000);
    private static final InetSocketAddress LINK_B = new InetSocketAddress("198.51.100.20", 40001);

    @TempDir
    static Path dir;
    private static DerbyStore derby;
    private static ExecutorService threads;

    private CountingDeviceStore devices;
    private EnrolmentKeyStore keys;
    private DeviceManager registryA;
    private DeviceManager registryB;
    private RequestHandler nodeA;
    private RequestHandler nodeB;

    @BeforeAll
    static void open() {
        derby = new DerbyStore(dir.resolve("derby"));
        threads = Executors.newFixedThreadPool(16);
    }

    @AfterAll
    static void close() {
        threads.shutdownNow();
        derby.close();
    }

    @BeforeEach
    void nodes() {
        devices = new CountingDeviceStore(derby);
        keys = derby.enrolmentKeys();
        registryA = new DeviceManager(devices);
        registryB = new DeviceManager(devices);
        nodeA = node("node-a", registryA);
        nodeB = node("node-b", registryB);
    }

    @AfterEach
    void clear() {
        registryA.close();
        registryB.close();
        derby.list().forEach(d -> derby.remove(d.device()));
        keys.list().forEach(k -> keys.remove(k.id()));
    }

    private RequestHandler node(String id, DeviceManager registry) {
        ServerSettings settings = new ServerSettings(id, new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), TunnelType.VXLAN, 1400, 10, "demo", List.of());
        RequestHandler h = RequestHandler.withDevices(settings, registry, new FakePools(Clock.systemUTC()),
                Clock.systemUTC(), new Counters(), RequestHandler.DEFAULT_ANSWER_TTL, 1024, null);
        h.enrolLimits(new EnrolSettings(1e6, 100_000, 1e6, 100_000));
        h.enrolment(keys, registry);
        return h;
    }

    private EnrolmentToken key(int maxUses) {
        EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertTrue(keys.add(new EnrolmentKey(token.id(), token.verifier(), token.replyKey(), "race", "bus-*", "", maxUses, 0, now,
                now.plus(Duration.ofHours(1)), false)));
        return token;
    }

    /**
     * One attempt of a router: the same ENROL to both nodes at once (after {@code start}); a
     * deferred one ({@code TRY_LATER}, contention on the key) is sent again as a new ENROL.
     *
     * @return the two nodes' replies
     */
    private List<EnrolReply> enrolOnBoth(TestRouter router, EnrolmentToken token, CountDownLatch start) throws Exception {
        start.await();
        for (int attempt = 0; attempt < 20; attempt++) {
            byte[] datagram = router.enrol(token);
            Future<byte[]> a = threads.submit(() -> nodeA.handle(datagram, LINK_A).orElseThrow());
            Future<byte[]> b = threads.submit(() -> nodeB.handle(datagram, LINK_B).orElseThrow());
            List<EnrolReply> replies = List.of(router.open(datagram, a.get(30, TimeUnit.SECONDS)),
                    router.open(datagram, b.get(30, TimeUnit.SECONDS)));
            if (replies.stream().noneMatch(r -> r.status() == Status.TRY_LATER)) {
                return replies;
            }
        }
        throw new AssertionError(router.id + " kept being deferred");
    }

    @Test
    void routersSendingToBothNodesAtOnceAreEachEnrolledExactlyOnce() throws Exception {
        EnrolmentToken token = key(0);
        int n = 24;
        List<TestRouter> routers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            routers.add(new TestRouter("bus-" + i));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<EnrolReply>>> results = new ArrayList<>();
            for (TestRouter r : routers) {
                results.add(senders.submit(() -> enrolOnBoth(r, token, start)));
            }
            start.countDown();
            for (int i = 0; i < n; i++) {
                List<EnrolReply> replies = results.get(i).get(60, TimeUnit.SECONDS);
                TestRouter r = routers.get(i);
                assertEquals(Status.GRANTED, replies.get(0).status(), r.id + " on node A");
                assertEquals(Status.GRANTED, replies.get(1).status(), r.id + " on node B");
                assertArrayEquals(replies.get(0).deviceKey(), replies.get(1).deviceKey(), "one credential per router");
                DeviceCredential stored = derby.find(r.id).orElseThrow();
                assertArrayEquals(stored.key(), replies.get(0).deviceKey());
                assertTrue(stored.enrolledByRouter(r.keys.publicKey()));
            }
        } finally {
            senders.shutdownNow();
        }
        assertEquals(n, derby.list().size());
        assertEquals(n, devices.successfulWrites.get(), "each device written once, nothing else written");
        assertEquals(n, keys.find(token.id()).orElseThrow().uses(), "one use per device");
        long granted = nodeA.counters().get("enrol.granted") + nodeB.counters().get("enrol.granted");
        assertEquals(n, granted, "one node granted each, the other handed the same credential again");
    }

    @Test
    void aSingleUseKeyEnrolsExactlyOneDeviceWhenTwoRoutersRaceOnTwoNodes() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                EnrolmentToken token = key(1);
                TestRouter first = new TestRouter("bus-" + round + "a");
                TestRouter second = new TestRouter("bus-" + round + "b");
                CountDownLatch start = new CountDownLatch(1);
                Future<List<EnrolReply>> one = senders.submit(() -> enrolOnBoth(first, token, start));
                Future<List<EnrolReply>> two = senders.submit(() -> enrolOnBoth(second, token, start));
                start.countDown();
                List<EnrolReply> replies = new ArrayList<>(one.get(60, TimeUnit.SECONDS));
                replies.addAll(two.get(60, TimeUnit.SECONDS));
                long enrolled = List.of(first, second).stream().filter(r -> derby.find(r.id).isPresent()).count();
                assertEquals(1, enrolled, "round " + round + ": exactly one device");
                assertEquals(1, keys.find(token.id()).orElseThrow().uses());
                TestRouter winner = derby.find(first.id).isPresent() ? first : second;
                List<EnrolReply> winners = winner == first ? replies.subList(0, 2) : replies.subList(2, 4);
                List<EnrolReply> losers = winner == first ? replies.subList(2, 4) : replies.subList(0, 2);
                assertTrue(winners.stream().anyMatch(r -> r.status() == Status.GRANTED), "round " + round);
                assertTrue(losers.stream().allMatch(r -> r.status() == Status.REFUSED), "round " + round);
            }
        } finally {
            senders.shutdownNow();
        }
    }
}
