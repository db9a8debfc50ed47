package net.dtm.store.zookeeper;

import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.spi.store.DeviceStore;
import net.dtm.store.tck.DeviceStoreContract;

/** The device store contract against ZooKeeper (one test server, a fresh namespace per test). */
class ZkDeviceStoreTest extends DeviceStoreContract {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();
    private String namespace;

    @Override
    protected DeviceStore newStore() throws Exception {
        namespace = ZkTesting.freshNamespace();
        return ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "n1"));
    }

    @Override
    protected DeviceStore reopen(DeviceStore current) throws Exception {
        ZkTesting.close((ZkStore) current);
        return ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "n1"));
    }

    @Override
    protected void close(DeviceStore current) {
        ZkTesting.close((ZkStore) current);
    }
}
