package net.dtm.store.zookeeper;

import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.spi.store.LeaseStore;
import net.dtm.store.tck.LeaseStoreContract;

/**
 * The lease store contract against ZooKeeper: one test server for the class, a fresh namespace
 * per test; reopening closes the client (its session ends) and opens a new one on the same
 * namespace.
 */
class ZkLeaseStoreTest extends LeaseStoreContract {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();
    private String namespace;

    @Override
    protected LeaseStore newStore() throws Exception {
        namespace = ZkTesting.freshNamespace();
        return ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "n1"));
    }

    @Override
    protected LeaseStore reopen(LeaseStore current) throws Exception {
        ZkTesting.close((ZkStore) current);
        return ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "n1"));
    }

    @Override
    protected void close(LeaseStore current) {
        ZkTesting.close((ZkStore) current);
    }
}
