package net.dtm.store.zookeeper;

import java.util.IdentityHashMap;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.store.tck.EnrolmentKeyStoreContract;

/** The enrolment key store contract against ZooKeeper (one test server, a fresh namespace per test). */
class ZkEnrolmentKeyStoreTest extends EnrolmentKeyStoreContract {

    @RegisterExtension
    static final ZkTesting.Server ZK = new ZkTesting.Server();
    private final Map<EnrolmentKeyStore, ZkStore> stores = new IdentityHashMap<>();
    private String namespace;

    private EnrolmentKeyStore open() throws InterruptedException {
        ZkStore store = ZkTesting.openStore(ZkTesting.settings(ZK.get(), namespace, "n1"));
        stores.put(store.enrolmentKeys(), store);
        return store.enrolmentKeys();
    }

    @Override
    protected EnrolmentKeyStore newStore() throws Exception {
        namespace = ZkTesting.freshNamespace();
        return open();
    }

    @Override
    protected EnrolmentKeyStore reopen(EnrolmentKeyStore current) throws Exception {
        close(current);
        return open();
    }

    @Override
    protected void close(EnrolmentKeyStore current) {
        ZkStore store = stores.remove(current);
        if (store != null) {
            ZkTesting.close(store);
        }
    }
}
