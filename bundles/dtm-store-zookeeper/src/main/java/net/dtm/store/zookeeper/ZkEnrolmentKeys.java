package net.dtm.store.zookeeper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

import net.dtm.api.EnrolmentKey;
import net.dtm.spi.store.EnrolmentKeyStore;

/**
 * The enrolment keys of the ZooKeeper store: {@code /enrolment-keys/<id>} (see
 * {@link ZkPaths#enrolmentKeyPath}), records {@code enrolment-key 1} ({@link Codec}). Through the
 * store's client and {@link ZkAccess} like the devices: its credential and ACLs, refused at once
 * while not connected, every request bounded by the request timeout, failures as
 * {@link net.dtm.spi.store.StoreUnavailableException} ({@link ZkErrors}). {@link #replace} is
 * compare-and-set on the znode's version. A malformed id is never found.
 */
final class ZkEnrolmentKeys implements EnrolmentKeyStore {

    private final ZkAccess zk;
    private final CuratorFramework client;

    ZkEnrolmentKeys(ZkAccess zk) {
        this.zk = zk;
        this.client = zk.client();
    }

    @Override
    public boolean add(EnrolmentKey key) {
        String what = "add enrolment key " + key.id();
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            zk.ensureBase();
            try {
                client.create().withMode(CreateMode.PERSISTENT).forPath(ZkPaths.enrolmentKeyPath(key.id()), Codec.enrolmentKey(key));
                return true;
            } catch (KeeperException.NodeExistsException exists) {
                return false;
            }
        });
    }

    @Override
    public Optional<EnrolmentKey> find(String id) {
        if (!EnrolmentKey.isValidId(id)) {
            return Optional.empty();
        }
        String what = "read enrolment key " + id;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            try {
                return Optional.of(Codec.enrolmentKey(client.getData().forPath(ZkPaths.enrolmentKeyPath(id))));
            } catch (KeeperException.NoNodeException e) {
                return Optional.<EnrolmentKey>empty();
            }
        });
    }

    @Override
    public List<EnrolmentKey> list() {
        String what = "list enrolment keys";
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            List<String> paths = new ArrayList<>();
            for (String name : zk.children(ZkPaths.ENROLMENT_KEYS)) {
                paths.add(ZkPaths.ENROLMENT_KEYS + "/" + name);
            }
            List<EnrolmentKey> out = new ArrayList<>();
            for (byte[] data : zk.readMany(what, paths)) {
                if (data != null) { // removed meanwhile
                    out.add(Codec.enrolmentKey(data));
                }
            }
            out.sort(Comparator.comparing(EnrolmentKey::id));
            return out;
        });
    }

    /** {@inheritDoc} Compare-and-set on the znode's version, after checking the stored record equals {@code expected}. */
    @Override
    public boolean replace(EnrolmentKey expected, EnrolmentKey updated) {
        if (!expected.id().equals(updated.id())) {
            throw new IllegalArgumentException("cannot replace enrolment key " + expected.id() + " by " + updated.id());
        }
        String what = "change enrolment key " + expected.id();
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            return zk.replaceIf(ZkPaths.enrolmentKeyPath(expected.id()), data -> Codec.enrolmentKey(data).equals(expected),
                    Codec.enrolmentKey(updated));
        });
    }

    @Override
    public boolean remove(String id) {
        if (!EnrolmentKey.isValidId(id)) {
            return false;
        }
        String what = "remove enrolment key " + id;
        return ZkErrors.run(what, () -> {
            zk.requireAvailable(what);
            try {
                client.delete().forPath(ZkPaths.enrolmentKeyPath(id));
                return true;
            } catch (KeeperException.NoNodeException e) {
                return false;
            }
        });
    }
}
