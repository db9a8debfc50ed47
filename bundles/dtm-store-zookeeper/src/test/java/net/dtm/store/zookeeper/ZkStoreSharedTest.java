package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.BindResult.Outcome;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.spi.store.StoreUnavailableException;

/** Two stores on separate clients sharing one namespace: races, pool watch, generations, layout, ACLs. */
class ZkStoreSharedTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.123Z");
    private static final Duration WAIT = Duration.ofSeconds(15);
    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();
    private String namespace;
    private ZkStore a;
    private ZkStore b;

    @BeforeEach
    void open() throws Exception {
        namespace = ZkTesting.freshNamespace();
        a = ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "a"));
        b = ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "b"));
    }

    @AfterEach
    void close() {
        ZkTesting.close(a);
        ZkTesting.close(b);
    }

    private static InetAddress ip(String s) {
        return Cidr.parseLiteral(s);
    }

    private static Lease locked(String pool, String device, InetAddress address, String node) {
        return new Lease(pool, DeviceId.of(device), address, LeaseState.LOCKED, 1, T0, node);
    }

    private static <T> List<T> race(int n, java.util.function.IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> c = () -> {
                    go.await();
                    return task.apply(index);
                };
                futures.add(pool.submit(c));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The pool manager's rule, as a creation check: no prefix may overlap a stored pool's. */
    private static java.util.function.Consumer<List<Pool>> noOverlapWith(Pool pool) {
        return stored -> stored.stream().filter(p -> p.prefix().overlaps(pool.prefix())).findFirst().ifPresent(p -> {
            throw new IllegalArgumentException("pool " + pool.name() + " overlaps pool " + p.name());
        });
    }

    @Test
    void twoNodesCreatingOverlappingPoolsAtOnceCannotBothSucceed() throws Exception {
        int rounds = 12;
        for (int round = 0; round < rounds; round++) {
            Pool wide = Pool.of("wide-" + round, "10." + (100 + round) + ".0.0/24", 3600);
            Pool narrow = Pool.of("narrow-" + round, "10." + (100 + round) + ".0.0/25", 3600);
            List<String> outcomes = race(2, t -> {
                Pool p = t == 0 ? wide : narrow;
                try {
                    (t == 0 ? a : b).createPool(p, noOverlapWith(p));
                    return "created";
                } catch (IllegalArgumentException refused) {
                    return refused.getMessage();
                }
            });
            assertEquals(1, outcomes.stream().filter("created"::equals).count(), "round " + round + ": " + outcomes);
            assertTrue(outcomes.stream().anyMatch(o -> o.contains(" overlaps pool ")), "round " + round + ": " + outcomes);
        }
        assertEquals(rounds, a.pools().size(), "one pool per round");
        assertEquals(a.pools(), b.pools());
        String taken = a.pools().get(0).name(); // wide-0 or narrow-0, whichever won
        assertThrows(IllegalArgumentException.class, () -> b.createPool(Pool.of(taken, "10.99.0.0/24", 60), stored -> { }),
                "a name that exists");
        b.createPool(Pool.of("elsewhere", "10.99.0.0/24", 60), noOverlapWith(Pool.of("elsewhere", "10.99.0.0/24", 60)));
        assertEquals(rounds + 1, a.pools().size());
    }

    @Test
    void twoStoresRacingForTheSameAddressesAndDevicesGiveExactlyOneWinnerEach() throws Exception {
        a.createPool(Pool.of("p", "10.64.0.0/16", 3600));
        int threads = 12;
        int addresses = 30;
        // Every thread, half of them on each store, tries every address for a device of its own.
        List<List<BindResult>> byThread = race(threads, t -> {
            ZkStore s = t % 2 == 0 ? a : b;
            List<BindResult> mine = new ArrayList<>();
            for (int k = 0; k < addresses; k++) {
                mine.add(s.tryBind(locked("p", "t" + t + "-" + k, ip("10.64.0." + (k + 2)), "n" + t)));
            }
            return mine;
        });
        Map<InetAddress, Lease> winners = new ConcurrentHashMap<>();
        for (List<BindResult> results : byThread) {
            for (BindResult r : results) {
                if (r.outcome() == Outcome.BOUND) {
                    Lease previous = winners.put(r.lease().address(), r.lease());
                    assertEquals(null, previous, "two winners for " + r.lease().address());
                } else {
                    assertEquals(Outcome.ADDRESS_TAKEN, r.outcome());
                }
            }
        }
        assertEquals(addresses, winners.size(), "every address has exactly one winner");
        List<Lease> expected = new ArrayList<>(winners.values());
        expected.sort((x, y) -> Integer.compare(x.address().getAddress()[3] & 0xff, y.address().getAddress()[3] & 0xff));
        assertEquals(expected, a.leases("p"));
        assertEquals(expected, b.leases("p"));

        // One device, many addresses, from both stores: one binding, everyone else sees it.
        List<BindResult> same = race(threads, t -> (t % 2 == 0 ? a : b).tryBind(
                new Lease("p", DeviceId.of("one"), ip("10.64.1." + (t + 2)), LeaseState.LOCKED, 1, T0, "n" + t)));
        List<Lease> won = same.stream().filter(r -> r.outcome() == Outcome.BOUND).map(BindResult::lease).toList();
        assertEquals(1, won.size(), same.toString());
        for (BindResult r : same) {
            assertEquals(won.get(0), r.lease(), "losers get the winner's binding");
        }
        assertEquals(won.get(0), b.findByDevice("p", DeviceId.of("one")).orElseThrow());
    }

    @Test
    void concurrentCompareAndSetFromTwoStoresHasOneWinner() throws Exception {
        a.createPool(Pool.of("p", "10.64.0.0/16", 3600));
        Lease l = a.tryBind(locked("p", "d1", ip("10.64.0.2"), "a")).lease();
        List<Boolean> results = race(10, t -> (t % 2 == 0 ? a : b)
                .update(l.with(LeaseState.BOUND, 2, T0.plusSeconds(t), "n" + t), 1).isPresent());
        assertEquals(1, results.stream().filter(x -> x).count());
        Lease stored = b.findByDevice("p", DeviceId.of("d1")).orElseThrow();
        assertEquals(stored, a.findByAddress("p", ip("10.64.0.2")).orElseThrow(), "both copies changed together");
        assertEquals(List.of(true, false), race(2, t -> (t == 0 ? a : b).remove("p", DeviceId.of("d1"), 2))
                .stream().sorted(Collections.reverseOrder()).toList());
    }

    @Test
    void nodesRacingForASingleUseEnrolmentKeyUseItOnceAndSeeEachOthersChanges() throws Exception {
        Instant now = T0.plusSeconds(1);
        EnrolmentKey once = new EnrolmentKey("once", new byte[32], new byte[32], "", "*", "", 1, 0, T0, T0.plusSeconds(3600), false);
        assertTrue(a.enrolmentKeys().add(once));
        assertEquals(false, b.enrolmentKeys().add(once), "the other node sees it exists");
        List<Boolean> won = race(10, t -> {
            EnrolmentKeyStore keys = (t % 2 == 0 ? a : b).enrolmentKeys();
            for (int attempt = 0; attempt < 100; attempt++) {
                EnrolmentKey k = keys.find("once").orElseThrow();
                if (!k.usableAt(now)) {
                    return false;
                }
                if (keys.replace(k, k.withUse())) {
                    return true;
                }
            }
            throw new AssertionError("100 attempts lost");
        });
        assertEquals(1, won.stream().filter(x -> x).count());
        assertEquals(List.of(once.withUse()), b.enrolmentKeys().list());
        assertTrue(b.enrolmentKeys().replace(once.withUse(), once.withUse().asRevoked()));
        assertTrue(a.enrolmentKeys().find("once").orElseThrow().revoked());
        assertTrue(a.enrolmentKeys().remove("once"));
        assertEquals(List.of(), b.enrolmentKeys().list());
    }

    @Test
    void poolWatchTellsOtherNodesAtOnceAndOnlyAboutPools() {
        List<String> seen = new CopyOnWriteArrayList<>();
        a.addPoolListener(seen::add);
        Pool p = Pool.of("p", "10.64.0.0/16", 3600);
        b.createPool(p);
        await().atMost(WAIT).until(() -> seen.equals(List.of("p")));
        b.updatePool(p.withLeaseSeconds(600));
        await().atMost(WAIT).until(() -> seen.equals(List.of("p", "p")));
        assertEquals(600, a.pool("p").orElseThrow().leaseSeconds());
        b.tryBind(locked("p", "d1", ip("10.64.0.2"), "b"));
        b.deletePool("p");
        b.createPool(Pool.of("q", "10.65.0.0/16", 3600));
        await().atMost(WAIT).until(() -> seen.size() >= 4);
        assertEquals(List.of("p", "p", "p", "q"), seen, "a binding is not a pool change");
        a.removePoolListener(seen::add);
    }

    @Test
    void aPoolDeletedAndCreatedAgainElsewhereStartsEmptyAndStaleNodesBindIntoTheNewOne() throws Exception {
        a.createPool(Pool.of("p", "10.64.0.0/16", 3600));
        a.tryBind(locked("p", "d1", ip("10.64.0.2"), "a"));
        CuratorFramework raw = ZkTesting.rawClient(ZK.get(), namespace, true);
        try {
            String oldGeneration = Codec.pool(raw.getData().forPath("/pools/p")).generation();
            b.deletePool("p");
            b.createPool(Pool.of("p", "10.64.0.0/16", 3600));
            assertEquals(List.of(), b.leases("p"), "the new pool has no bindings");
            BindResult r = a.tryBind(locked("p", "d2", ip("10.64.0.2"), "a"));
            assertEquals(Outcome.BOUND, r.outcome(), "the address is free in the new pool");
            assertEquals(List.of(r.lease()), b.leases("p"), "and the binding went into the new pool");
            await().atMost(WAIT).until(() -> raw.checkExists().forPath("/bindings/" + oldGeneration) == null);
        } finally {
            raw.close();
        }
    }

    @Test
    void addressKeysStayInAddressOrderAcrossBuckets() throws Exception {
        a.createPool(Pool.of("v4", "10.0.0.0/8", 3600));
        List<String> v4 = List.of("10.0.15.254", "10.0.16.0", "10.0.15.255", "10.0.16.1", "10.0.32.0", "10.255.255.254",
                "10.0.0.2", "10.1.0.0");
        a.createPool(Pool.of("v6", "fd00:64::/64", 3600));
        List<String> v6 = List.of("fd00:64::ffff:ffff:ffff:fffe", "fd00:64::2", "fd00:64::1:0:0:0", "fd00:64::fff",
                "fd00:64::1000", "fd00:64:0:0:8000::");
        a.createPool(Pool.of("wide", "fd00::/32", 3600));
        List<String> wide = List.of("fd00:0:ffff:ffff:ffff:ffff:ffff:fffe", "fd00::2", "fd00:0:8000::1");
        for (Map.Entry<String, List<String>> e : Map.of("v4", v4, "v6", v6, "wide", wide).entrySet()) {
            List<InetAddress> sorted = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                InetAddress address = ip(e.getValue().get(i));
                assertEquals(Outcome.BOUND, a.tryBind(locked(e.getKey(), "d" + i, address, "a")).outcome(), address.toString());
                sorted.add(address);
            }
            sorted.sort((x, y) -> new java.math.BigInteger(1, x.getAddress()).compareTo(new java.math.BigInteger(1, y.getAddress())));
            assertEquals(sorted, b.leases(e.getKey()).stream().map(Lease::address).toList(), e.getKey());
            for (int limit = 1; limit <= 3; limit++) {
                List<InetAddress> paged = new ArrayList<>();
                InetAddress after = null;
                List<Lease> page;
                while (!(page = b.leases(e.getKey(), after, limit)).isEmpty()) {
                    page.forEach(l -> paged.add(l.address()));
                    after = page.get(page.size() - 1).address();
                }
                assertEquals(sorted, paged, e.getKey() + " paged by " + limit);
            }
            List<InetAddress> names = new ArrayList<>();
            b.forEachAddress(e.getKey(), names::add);
            assertEquals(sorted, names);
        }
        CuratorFramework raw = ZkTesting.rawClient(ZK.get(), namespace, true);
        try {
            String g = Codec.pool(raw.getData().forPath("/pools/v4")).generation();
            assertEquals(List.of("000", "001", "002", "010", "fff"), sortedChildren(raw, "/bindings/" + g + "/a"),
                    "a /8 has two levels: 4096-block buckets");
            assertEquals(List.of("000002", "000ffe", "000fff"), sortedChildren(raw, "/bindings/" + g + "/a/000"));
            String g6 = Codec.pool(raw.getData().forPath("/pools/v6")).generation();
            assertEquals(List.of("000", "008", "00f"), sortedChildren(raw, "/bindings/" + g6 + "/a"),
                    "a /64 has six levels: five of buckets, the top one of the highest 4 bits");
            assertEquals(List.of("000", "001"), sortedChildren(raw, "/bindings/" + g6 + "/a/000"));
            assertEquals(List.of("0000000000000002", "0000000000000fff"),
                    sortedChildren(raw, "/bindings/" + g6 + "/a/000/000/000/000/000"));
        } finally {
            raw.close();
        }
        assertThrows(IllegalArgumentException.class, () -> a.tryBind(locked("v4", "x", ip("11.0.0.1"), "a")),
                "an address outside the pool is refused");
        assertThrows(IllegalArgumentException.class, () -> a.tryBind(locked("v6", "x", ip("10.0.0.5"), "a")));
        a.createPool(Pool.of("pd", "2001:db8::/48", 3600).withDelegatedLength(64));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.tryBind(locked("pd", "x", ip("2001:db8:0:1::5"), "a")));
        assertTrue(e.getMessage().contains("/64 block"), e.getMessage());
        assertEquals(List.of(), a.leases("pd"), "refused binds change nothing");
    }

    private static List<String> sortedChildren(CuratorFramework raw, String path) throws Exception {
        List<String> c = new ArrayList<>(raw.getChildren().forPath(path));
        Collections.sort(c);
        return c;
    }

    @Test
    void withoutTheCredentialNothingCanBeReadOrWritten() throws Exception {
        a.createPool(Pool.of("p", "10.64.0.0/16", 3600));
        a.tryBind(locked("p", "d1", ip("10.64.0.2"), "a"));
        a.enrolmentKeys().add(new EnrolmentKey("k001", new byte[32], new byte[32], "", "*", "", 0, 0, T0, T0.plusSeconds(60), false));
        CuratorFramework anonymous = ZkTesting.rawClient(ZK.get(), namespace, false);
        CuratorFramework wrong = CuratorFrameworkFactory.builder().connectString(ZK.get().getConnectString()).namespace(namespace)
                .retryPolicy(new RetryNTimes(0, 0))
                .authorization("digest", ("dtm:not-the-password").getBytes(StandardCharsets.UTF_8)).build();
        wrong.start();
        try {
            assertTrue(wrong.blockUntilConnected(10, TimeUnit.SECONDS));
            for (CuratorFramework c : List.of(anonymous, wrong)) {
                assertThrows(KeeperException.NoAuthException.class, () -> c.create().forPath("/pools/evil", new byte[0]));
                assertThrows(KeeperException.NoAuthException.class, () -> c.setData().forPath("/pools/p", new byte[0]));
                assertThrows(KeeperException.NoAuthException.class, () -> c.delete().forPath("/devices"));
                assertThrows(KeeperException.NoAuthException.class, () -> c.getData().forPath("/pools/p"));
                assertThrows(KeeperException.NoAuthException.class, () -> c.getData().forPath("/enrolment-keys/k001"));
                assertThrows(KeeperException.NoAuthException.class, () -> c.create().forPath("/enrolment-keys/evil", new byte[0]));
                assertThrows(KeeperException.NoAuthException.class, () -> c.setData().forPath("/enrolment-keys/k001", new byte[0]));
            }
        } finally {
            anonymous.close();
            wrong.close();
        }
        ZkStore intruder = ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "x").withCredentials("dtm", "guess"));
        try {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                    () -> intruder.createPool(Pool.of("evil", "10.66.0.0/16", 3600)));
            assertTrue(e.getMessage().contains("NoAuth"), e.getMessage());
            assertThrows(StoreUnavailableException.class, () -> intruder.pools());
            assertThrows(StoreUnavailableException.class, () -> intruder.enrolmentKeys().list());
            assertThrows(StoreUnavailableException.class, () -> intruder.enrolmentKeys().find("k001"));
        } finally {
            ZkTesting.close(intruder);
        }
        assertEquals(List.of("p"), a.pools().stream().map(Pool::name).toList(), "nothing changed");
        assertNotNull(a.findByDevice("p", DeviceId.of("d1")).orElse(null));
        assertEquals(1, a.enrolmentKeys().list().size());
    }
}
