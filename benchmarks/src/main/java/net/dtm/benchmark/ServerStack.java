package net.dtm.benchmark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.pool.PoolManager;
import net.dtm.server.internal.Counters;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.internal.RequestHandler;
import net.dtm.server.internal.ServerSettings;
import net.dtm.server.internal.UdpEndpoint;
import net.dtm.store.derby.DerbyStore;

/**
 * A standalone server side in one JVM: one durable Derby store and pool manager shared by
 * {@code n} server nodes, each with its own request handler (replay windows, answer cache) and
 * MINA UDP endpoint on loopback. The nodes advertise no server list, so each agent keeps asking
 * exactly the servers its scenario gives it.
 */
final class ServerStack implements AutoCloseable {

    static final String POOL = "bench";

    final DerbyStore store;
    final PoolManager pools;
    final DeviceManager devices;
    final List<InetSocketAddress> endpoints = new ArrayList<>();
    final List<Counters> counters = new ArrayList<>();
    private final List<UdpEndpoint> udp = new ArrayList<>();

    ServerStack(Path dir, int n) throws IOException {
        store = new DerbyStore(dir);
        pools = new PoolManager(store, "bench", Clock.systemUTC(), net.dtm.pool.PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
        if (pools.pool(POOL).isEmpty()) {
            pools.createPool(Pool.of(POOL, "10.96.0.0/12", 3600));
        }
        devices = new DeviceManager(store);
        List<AtomicReference<RequestHandler>> handlers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AtomicReference<RequestHandler> ref = new AtomicReference<>();
            Counters c = new Counters();
            UdpEndpoint e = new UdpEndpoint(new InetSocketAddress("127.0.0.1", 0),
                    (d, from) -> ref.get() == null ? Optional.empty() : ref.get().handle(d, from), c, 4, 4096, 1024);
            udp.add(e);
            endpoints.add(e.localAddress());
            counters.add(c);
            handlers.add(ref);
        }
        for (int i = 0; i < n; i++) {
            ServerSettings s = new ServerSettings("node-" + (i + 1), endpoints.get(i),
                    new InetSocketAddress("127.0.0.1", 4789), TunnelType.VXLAN, 1400, 10, POOL, List.of());
            handlers.get(i).set(new RequestHandler(s, devices::key, pools, Clock.systemUTC(), counters.get(i),
                    RequestHandler.DEFAULT_ANSWER_TTL, 100_000));
        }
    }

    @Override
    public void close() {
        udp.forEach(UdpEndpoint::close);
        store.close();
    }
}
