package net.dtm.store.zookeeper;

import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.store.tck.StoreBackupContract;

/** The backup contract against ZooKeeper: every backup is refused (ZooKeeper has its own snapshots). */
class ZkStoreBackupTest extends StoreBackupContract<ZkStore> {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();
    private String namespace;

    @Override
    protected boolean makesCopies() {
        return false;
    }

    @Override
    protected ZkStore newStore() throws Exception {
        namespace = ZkTesting.freshNamespace();
        return ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "n1"));
    }

    @Override
    protected ZkStore reopen(ZkStore current) throws Exception {
        ZkTesting.close(current);
        return ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "n1"));
    }

    @Override
    protected void close(ZkStore current) {
        ZkTesting.close(current);
    }
}
