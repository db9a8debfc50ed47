package net.dtm.store.zookeeper;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/** A ZooKeeper test server and fresh namespaces on it; stores opened here close their own client. */
final class ZkTesting {

    static final String PASSWORD = "test-secret";
    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final Map<ZkStore, CuratorFramework> CLIENTS = new ConcurrentHashMap<>();

    private ZkTesting() {
    }

    /**
     * A server with a 100 ms tick, so sessions may be as short as 200 ms (the default tick of 3 s
     * would stretch every session to at least 6 s). Keeps its data and port across stop/restart.
     */
    static TestingServer server() throws Exception {
        return server(100);
    }

    /** A server with the given tick: sessions between 2 and 20 ticks. */
    static TestingServer server(int tickMs) throws Exception {
        File dir = Files.createTempDirectory("zk-test").toFile();
        InstanceSpec spec = new InstanceSpec(dir, -1, -1, -1, true, -1, tickMs, -1);
        return new TestingServer(spec, true);
    }

    /** A namespace no other test uses. */
    static String freshNamespace() {
        return "t" + ProcessHandle.current().pid() + "-" + NAMESPACES.incrementAndGet();
    }

    static ZkSettings settings(TestingServer server, String namespace, String nodeId) {
        return ZkSettings.of(server.getConnectString(), PASSWORD, nodeId).withNamespace(namespace).withTimeouts(4000, 1000);
    }

    /** A store on its own connected client; {@link #close(ZkStore)} closes both. */
    static ZkStore openStore(ZkSettings settings) throws InterruptedException {
        CuratorFramework client = ZkNode.newClient(settings);
        client.start();
        assertTrue(client.blockUntilConnected(10, TimeUnit.SECONDS), "test server not reachable");
        ZkStore store = new ZkStore(client, settings.connectionTimeoutMs());
        CLIENTS.put(store, client);
        return store;
    }

    /** A plain Curator client on {@code namespace}, with DTM's credential or without any. */
    static CuratorFramework rawClient(TestingServer server, String namespace, boolean withCredential) throws InterruptedException {
        CuratorFramework c;
        if (withCredential) {
            c = ZkNode.newClient(settings(server, namespace, "raw"));
        } else {
            c = org.apache.curator.framework.CuratorFrameworkFactory.builder().connectString(server.getConnectString())
                    .namespace(namespace).retryPolicy(new org.apache.curator.retry.RetryNTimes(0, 0)).build();
        }
        c.start();
        assertTrue(c.blockUntilConnected(10, TimeUnit.SECONDS), "test server not reachable");
        return c;
    }

    /** The client {@link #openStore} opened for {@code store}. */
    static CuratorFramework clientOf(ZkStore store) {
        return CLIENTS.get(store);
    }

    static void close(ZkStore store) {
        store.close();
        CuratorFramework client = CLIENTS.remove(store);
        if (client != null) {
            client.close();
        }
    }

    /** One test server for a test class: {@code @RegisterExtension static final ZkTesting.Server ZK = new ZkTesting.Server();} */
    static final class Server implements org.junit.jupiter.api.extension.BeforeAllCallback,
            org.junit.jupiter.api.extension.AfterAllCallback {

        private TestingServer server;

        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            server = server();
        }

        @Override
        public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
            server.close();
        }

        TestingServer get() {
            return server;
        }
    }
}
