package net.dtm.testkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peers take {@link Ensemble#SMALL_MACHINE_TUNING} as ZooKeeper's own settings (a {@code zoo.cfg}
 * key it does not know becomes a system property): after every peer has served a client's session,
 * a write and a read, none has started a socket I/O worker or a commit worker thread (ZooKeeper
 * applies committed writes in its commit thread anyway; the workers would serve the reads), while
 * each runs the selector and commit threads that then do that work. Linux: a thread's name is read from
 * {@code /proc}.
 */
class EnsembleTuningTest {

    @TempDir
    Path tmp;

    @Test
    @EnabledOnOs(OS.LINUX)
    void peersDoTheirSocketAndCommitWorkWithoutWorkerPools() throws Exception {
        try (Ensemble e = Ensemble.start(tmp.resolve("zk"), 3, Duration.ofSeconds(60))) {
            for (int i = 0; i < e.size(); i++) {
                // a session, a write (applied by the commit thread itself) and a read (by a commit worker if any)
                writeAndReadThrough(e.clientPort(i), "/tuning-" + i);
            }
            for (int i = 0; i < e.size(); i++) {
                List<String> threads = threadNames(e.pid(i));
                String peer = "peer " + (i + 1) + " threads " + threads;
                // the names are read (the commit thread, and the factory's selector and accept threads)
                assertTrue(threads.stream().anyMatch(t -> t.startsWith("CommitProcessor")), peer);
                assertTrue(threads.stream().anyMatch(t -> t.startsWith("NIOServerCxnFac")), peer);
                // the pools' threads (ZooKeeper's WorkerService names them <pool>Thread-n), cut to the
                // 15 characters Linux keeps: NIOWorkerThread-n, CommitProcWorkThread-n; both seen
                // when either zoo.cfg line is left out
                assertTrue(threads.stream().noneMatch(t -> t.startsWith("NIOWorkerThread")), peer);
                assertTrue(threads.stream().noneMatch(t -> t.startsWith("CommitProcWork")), peer);
            }
        }
    }

    /** Opens a session on the peer at {@code port}, creates {@code path} through it and reads it back. */
    private static void writeAndReadThrough(int port, String path) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper("127.0.0.1:" + port, 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            assertTrue(connected.await(30, TimeUnit.SECONDS), "no session with the peer on port " + port);
            zk.create(path, new byte[] {1}, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            assertEquals(1, zk.getData(path, false, null)[0]);
        } finally {
            zk.close();
        }
    }

    /** The names of the process's threads, as Linux keeps them. */
    private static List<String> threadNames(long pid) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    names.add(Files.readString(t.resolve("comm")).trim());
                } catch (NoSuchFileException ended) {
                    // the thread ended since the listing: it is not running
                }
            }
        }
        return names;
    }
}
