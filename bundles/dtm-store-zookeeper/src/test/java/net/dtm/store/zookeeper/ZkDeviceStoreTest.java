package net.dtm.store.zookeeper;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import net.dtm.spi.store.DeviceStore;
import net.dtm.store.tck.DeviceStoreContract;

/** The device store contract against ZooKeeper (one test server, a fresh namespace per test). */
class ZkDeviceStoreTest extends DeviceStoreContract {

    private static TestingServer server;
    private String namespace;

    @BeforeAll
    static void startServer() throws Exception {
        server = ZkTesting.server();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @Override
    protected DeviceStore newStore() throws Exception {
        namespace = ZkTesting.freshNamespace();
        return ZkTesting.openStore(ZkTesting.settings(server, namespace, "n1"));
    }

    @Override
    protected DeviceStore reopen(DeviceStore current) throws Exception {
        ZkTesting.close((ZkStore) current);
        return ZkTesting.openStore(ZkTesting.settings(server, namespace, "n1"));
    }

    @Override
    protected void close(DeviceStore current) {
        ZkTesting.close((ZkStore) current);
    }
}
