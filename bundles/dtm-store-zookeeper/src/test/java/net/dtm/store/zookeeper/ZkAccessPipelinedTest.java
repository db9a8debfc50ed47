package net.dtm.store.zookeeper;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.StoreUnavailableException;

/** The pipelined reads a node's start relies on: many znodes' data or children at once, in order. */
class ZkAccessPipelinedTest {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();

    @Test
    void manyChildrenListsAndRecordsComeBackInThePathsOrderAMissingZnodeEmptyOrNull() throws Exception {
        CuratorFramework c = ZkTesting.rawClient(ZK.get(), ZkTesting.freshNamespace(), true);
        try {
            List<String> parents = new ArrayList<>();
            for (int p = 0; p < 700; p++) {   // more than the 512 kept in flight
                String parent = "/t/p" + p;
                parents.add(parent);
                for (int k = 0; k < p % 3; k++) {
                    c.create().creatingParentsIfNeeded().forPath(parent + "/c" + k, (parent + k).getBytes(StandardCharsets.UTF_8));
                }
            }
            parents.add(2, "/t/missing");
            ZkAccess zk = new ZkAccess(c, 5_000);

            List<List<String>> children = zk.childrenMany("list", parents);
            assertEquals(parents.size(), children.size());
            assertEquals(List.of(), children.get(2), "a missing znode has no children");
            for (int i = 0; i < parents.size(); i++) {
                String parent = parents.get(i);
                int expected = parent.equals("/t/missing") ? 0 : Integer.parseInt(parent.substring(4)) % 3;
                assertEquals(expected, children.get(i).size(), parent);
            }

            List<String> paths = new ArrayList<>(List.of("/t/p5/c0", "/t/p5/gone", "/t/p700/c1", "/t/p1/c0"));
            List<byte[]> data = zk.readMany("read", paths);
            assertArrayEquals("/t/p50".getBytes(StandardCharsets.UTF_8), data.get(0));
            assertNull(data.get(1), "a missing znode reads null");
            assertNull(data.get(2));
            assertArrayEquals("/t/p10".getBytes(StandardCharsets.UTF_8), data.get(3));
            assertEquals(List.of(), zk.childrenMany("none", List.of()));
        } finally {
            c.close();
        }
    }

    /**
     * An async read gives the data, or empty for a missing znode, handed to the given executor:
     * what follows it may wait for another read (a request's next steps read pools), which on
     * ZooKeeper's event thread would wait for callbacks only that thread delivers.
     */
    @Test
    void anAsyncReadIsAnsweredOnTheGivenExecutorWhereWhatFollowsMayReadAgain() throws Exception {
        CuratorFramework c = ZkTesting.rawClient(ZK.get(), ZkTesting.freshNamespace(), true);
        ExecutorService answers = Executors.newSingleThreadExecutor(r -> new Thread(r, "answers"));
        try {
            c.create().creatingParentsIfNeeded().forPath("/t/a", "alpha".getBytes(StandardCharsets.UTF_8));
            ZkAccess zk = new ZkAccess(c, 3_000);
            Queue<Runnable> handed = new ConcurrentLinkedQueue<>();
            CompletableFuture<Optional<ZkAccess.Versioned>> read = zk.readAsync("read", "/t/a", handed::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> !handed.isEmpty()); // the answer, handed over
            assertFalse(read.isDone(), "not answered before the executor runs it");
            CompletableFuture<String> thenRead = read.thenApply(data -> {
                try {
                    return Thread.currentThread().getName() + " " + new String(data.orElseThrow().data(), StandardCharsets.UTF_8)
                            + " " + zk.readMany("read again", List.of("/t/a")).size();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            answers.execute(handed.remove());
            assertEquals("answers alpha 1", thenRead.get(10, TimeUnit.SECONDS));
            assertEquals(Optional.empty(), zk.readAsync("read", "/t/gone", answers).get(10, TimeUnit.SECONDS));
        } finally {
            answers.shutdownNow();
            c.close();
        }
    }

    @Test
    void anAsyncReadAnsweredToAClosedExecutorFailsAsTheClosedStoreDoes() throws Exception {
        CuratorFramework c = ZkTesting.rawClient(ZK.get(), ZkTesting.freshNamespace(), true);
        ExecutorService closed = Executors.newSingleThreadExecutor();
        closed.shutdown();
        try {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> new ZkAccess(c, 3_000).readAsync("read x", "/x", closed).get(10, TimeUnit.SECONDS));
            assertEquals("read x: the ZooKeeper store is closed", e.getCause().getMessage());
            assertTrue(e.getCause() instanceof StoreUnavailableException);
        } finally {
            c.close();
        }
    }

    @Test
    void everyDeviceIsListedAcrossTheBuckets() throws Exception {
        ZkStore store = ZkTesting.openStore(ZkTesting.settings(ZK.get(), ZkTesting.freshNamespace(), "n1"));
        try {
            Set<String> ids = new TreeSet<>();
            for (int i = 0; i < 3_000; i++) {
                DeviceId id = DeviceId.of("smr-" + i);
                store.add(new DeviceCredential(id, new byte[32], Instant.EPOCH));
                ids.add(id.value());
            }
            List<DeviceCredential> listed = store.list();
            assertEquals(3_000, listed.size());
            assertEquals(ids, listed.stream().map(d -> d.device().value()).collect(Collectors.toCollection(TreeSet::new)));
            assertEquals(listed.stream().map(DeviceCredential::device).sorted().toList(),
                    listed.stream().map(DeviceCredential::device).toList(), "in device order");
        } finally {
            ZkTesting.close(store);
        }
    }
}
