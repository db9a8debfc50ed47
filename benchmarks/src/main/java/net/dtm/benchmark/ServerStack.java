package net.dtm.benchmark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import net.dtm.api.Pool;
import net.dtm.pool.PoolManager;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.internal.RequestHandler;
import net.dtm.server.node.ServerNode;
import net.dtm.store.derby.DerbyStore;

/**
 * A standalone server side in one JVM: one durable Derby store and pool manager shared by
 * {@code n} {@link ServerNode}s (each with its own request handling: replay windows, answer cache,
 * MINA UDP endpoint on loopback), as the server distribution runs them. The nodes advertise no
 * server list, so each agent keeps asking exactly the servers its scenario gives it.
 */
final class ServerStack implements AutoCloseable {

    static final String POOL = "bench";

    final DerbyStore store;
    final PoolManager pools;
    final DeviceManager devices;
    final List<InetSocketAddress> endpoints = new ArrayList<>();
    private final List<ServerNode> nodes = new ArrayList<>();

    ServerStack(Path dir, int n) throws IOException {
        store = new DerbyStore(dir);
        try {
            pools = new PoolManager(store, "bench", Clock.systemUTC(), net.dtm.pool.PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
            if (pools.pool(POOL).isEmpty()) {
                pools.createPool(Pool.of(POOL, "10.96.0.0/12", 3600));
            }
            devices = new DeviceManager(store);
            ServerNode.Config base = ServerNode.Config.defaults().toBuilder()
                    .bind(new InetSocketAddress("127.0.0.1", 0))
                    .defaultPool(POOL)
                    .workers(4, 4096, 1024)
                    .answerCache(RequestHandler.DEFAULT_ANSWER_TTL, 100_000)
                    .build();
            for (int i = 0; i < n; i++) {
                ServerNode node = ServerNode.start(base.toBuilder().nodeId("node-" + (i + 1)).build(), pools, devices, null);
                nodes.add(node);
                endpoints.add(node.localAddress());
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        nodes.forEach(ServerNode::close);
        store.close();
    }
}
