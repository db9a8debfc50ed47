package net.dtm.store.zookeeper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/**
 * The enrolled devices of the ZooKeeper store: {@code /devices/<hhh>/<device>} (see
 * {@link ZkPaths#devicePath}), and their change notification: the store's persistent recursive
 * watch on {@code /devices} (paths only: it reads no device) reports every change made by any node
 * through {@link #watched}; when the watch is set at the start, and again after a lost connection
 * (when changes may have gone unreported), listeners are told {@code resynced}. Curator also sets
 * it again on a connection event that follows its start without any loss: nothing can have been
 * missed then, and listeners are not told (a resync makes every device a node read at start stale,
 * so each would be read from the store again on its first request).
 */
final class ZkDevices {

    private static final Logger LOG = LoggerFactory.getLogger(ZkStore.class);

    private final ZkAccess zk;
    private final CuratorFramework client;
    private final List<DeviceStore.Listener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch loaded = new CountDownLatch(1);
    /** Whether changes may have gone unreported since the watch was last set: before the first, and after a lost connection. */
    private final AtomicBoolean mayHaveMissed = new AtomicBoolean(true);

    ZkDevices(ZkAccess zk) {
        this.zk = zk;
        this.client = zk.client();
    }

    boolean add(DeviceCredential credential) {
        String what = "enrol device " + credential.device();
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            zk.ensureBase();
            String path = ZkPaths.devicePath(credential.device());
            String bucket = path.substring(0, path.lastIndexOf('/'));
            if (!zk.ensureDir(bucket)) {
                throw new KeeperException.NoNodeException(ZkPaths.DEVICES);
            }
            try {
                long started = System.nanoTime();
                client.create().withMode(CreateMode.PERSISTENT).forPath(path, Codec.device(credential));
                zk.committed(started);
                return true;
            } catch (KeeperException.NodeExistsException exists) {
                return false;
            }
        });
    }

    Optional<DeviceCredential> find(DeviceId id) {
        String what = "read device " + id;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            try {
                return Optional.of(Codec.device(client.getData().forPath(ZkPaths.devicePath(id))));
            } catch (KeeperException.NoNodeException e) {
                return Optional.<DeviceCredential>empty();
            }
        });
    }

    List<DeviceCredential> list() {
        String what = "list devices";
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            // the buckets' children, then every device's record, each pipelined (not a round trip per bucket)
            List<String> buckets = new ArrayList<>();
            for (String bucket : zk.children(ZkPaths.DEVICES)) {
                buckets.add(ZkPaths.DEVICES + "/" + bucket);
            }
            List<List<String>> names = zk.childrenMany(what, buckets);
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < buckets.size(); i++) {
                for (String name : names.get(i)) {
                    paths.add(buckets.get(i) + "/" + name);
                }
            }
            List<DeviceCredential> out = new ArrayList<>(paths.size());
            for (byte[] data : zk.readMany(what, paths)) {
                if (data != null) {   // removed since it was listed
                    out.add(Codec.device(data));
                }
            }
            out.sort(Comparator.comparing(DeviceCredential::device));
            return out;
        });
    }

    /** Compare-and-set on the znode's version, after checking the stored record equals {@code expected}. */
    boolean replace(DeviceCredential expected, DeviceCredential updated) {
        if (!expected.device().equals(updated.device())) {
            throw new IllegalArgumentException("cannot replace device " + expected.device() + " by " + updated.device());
        }
        String what = "change device " + expected.device();
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            return zk.replaceIf(ZkPaths.devicePath(expected.device()), data -> Codec.device(data).equals(expected),
                    Codec.device(updated));
        });
    }

    /**
     * Registers a listener; if the store is connected, first waits (at most {@code timeoutMs})
     * for the cache to load, so that no change after this call goes unreported.
     */
    DeviceStore.Subscription addListener(DeviceStore.Listener listener, long timeoutMs) {
        listeners.add(listener);
        if (zk.isAvailable()) {
            try {
                if (!loaded.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                    LOG.warn("the watch on {} has not loaded after {} ms; listeners are told when it has", ZkPaths.DEVICES, timeoutMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return () -> listeners.remove(listener);
    }

    /** From the watch on {@code /devices}: a node under it created, changed or deleted. */
    void watched(WatchedEvent event) {
        if (loaded.getCount() > 0 || event.getPath() == null || event.getType() == Watcher.Event.EventType.None) {
            return; // before the watch is set: listeners are told resynced once it is
        }
        String[] parts = event.getPath().split("/");
        if (parts.length != 4 || ZkPaths.parseHex3(parts[2]) < 0) {
            return; // /devices itself or a bucket
        }
        DeviceId id;
        try {
            id = DeviceId.of(ZkPaths.unescape(parts[3]));
        } catch (IllegalArgumentException e) {
            return;
        }
        for (DeviceStore.Listener l : listeners) {
            try {
                l.changed(id);
            } catch (RuntimeException e) {
                LOG.warn("device listener failed on a change of device {}", id, e);
            }
        }
    }

    /** The connection was lost (suspended): changes made until the watch is set again may go unreported. */
    void disconnected() {
        mayHaveMissed.set(true);
    }

    /** From the watch: it is set (again); listeners are told to resync if changes may have been missed until now. */
    void loaded() {
        loaded.countDown();
        if (!mayHaveMissed.getAndSet(false)) {
            return; // set again while connected all along: every change was reported
        }
        for (DeviceStore.Listener l : listeners) {
            try {
                l.resynced();
            } catch (RuntimeException e) {
                LOG.warn("device listener failed on resync", e);
            }
        }
    }

    boolean remove(DeviceId id) {
        String what = "remove device " + id;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            try {
                client.delete().forPath(ZkPaths.devicePath(id));
                return true;
            } catch (KeeperException.NoNodeException e) {
                return false;
            }
        });
    }
}
