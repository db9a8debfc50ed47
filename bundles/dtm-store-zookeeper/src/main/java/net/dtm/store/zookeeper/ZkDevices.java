package net.dtm.store.zookeeper;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;

/** The enrolled devices of the ZooKeeper store: {@code /devices/<hhh>/<device>} (see {@link ZkPaths#devicePath}). */
final class ZkDevices {

    private final ZkAccess zk;
    private final CuratorFramework client;

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
                client.create().withMode(CreateMode.PERSISTENT).forPath(path, Codec.device(credential));
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
            List<DeviceCredential> out = new ArrayList<>();
            for (String bucket : zk.children(ZkPaths.DEVICES)) {
                List<String> paths = new ArrayList<>();
                for (String name : zk.children(ZkPaths.DEVICES + "/" + bucket)) {
                    paths.add(ZkPaths.DEVICES + "/" + bucket + "/" + name);
                }
                for (byte[] data : zk.readMany(what, paths)) {
                    if (data != null) {
                        out.add(Codec.device(data));
                    }
                }
            }
            out.sort(Comparator.comparing(DeviceCredential::device));
            return out;
        });
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
