package net.dtm.benchmark.fleet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import net.dtm.api.Pool;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.node.ServerNode;
import net.dtm.store.derby.DerbyStore;
import net.dtm.testkit.lease.DeviceKeys;
import net.dtm.testkit.lease.LeaseNode;

/**
 * The standalone node of the fleet recovery benchmark, as its own JVM: the shipped {@link ServerNode}
 * over a durable {@link DerbyStore} (Karaf's defaults: 64 workers, 4,096 queued datagrams, 256 per
 * source address, 200 datagrams/s and a burst of 100 per source address or known device).
 * <p>
 * {@code FleetNode <dir> <port> <devices> <seed> <enrol>}: opens the store in {@code dir}, creates the
 * pool {@value #POOL} (10.0.0.0/8, one hour leases) if missing, with {@code enrol=true} enrols devices
 * {@code fleet-*} in one JDBC transaction of batched inserts (the first run only: a restart opens
 * the same store), loads the device keys and the pools as the Karaf components do at start, binds 127.0.0.1:{@code port}
 * (0 = any), prints {@code READY port=<port> pid=<pid> boot_ms=<ms>}, answers {@code counters} on
 * standard input with {@code COUNTERS {...}}, and closes cleanly when standard input closes.
 */
public final class FleetNode {

    static final String POOL = "fleet";
    static final String PREFIX = "fleet";

    private FleetNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: FleetNode <dir> <port> <devices> <seed> <enrol: true|false>");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        boolean enrol = Boolean.parseBoolean(args[4]);
        DerbyStore store = new DerbyStore(dir);
        PoolManager pools = null;
        ServerNode node = null;
        try {
            pools = new PoolManager(store, "fleet-node", Clock.systemUTC(), PoolSettings.DEFAULTS, null);
            if (pools.pool(POOL).isEmpty()) {
                pools.createPool(Pool.of(POOL, "10.0.0.0/8", 3600));
            }
            DeviceManager devices = new DeviceManager(store);
            if (enrol) {
                long e0 = System.nanoTime();
                LeaseNode.enrollJdbc(store, DeviceKeys.ids(PREFIX, n), d -> DeviceKeys.key(seed, d));
                System.out.printf(Locale.ROOT, "ENROLLED %d devices in %.1f s (one JDBC transaction)%n", n,
                        (System.nanoTime() - e0) / 1e9);
            }
            // as the Karaf components do at start (DeviceManagerComponent, PoolManagerComponent): keys in
            // memory, not read per first request; every pool's free index built now, not by the first
            // request after a restart (a scan of every binding: 100,000 of them)
            long l0 = System.nanoTime();
            int keys = devices.preload();
            int loaded = pools.loadAll();
            System.out.printf(Locale.ROOT, "LOADED %d device keys and %d pools in %.1f s%n", keys, loaded,
                    (System.nanoTime() - l0) / 1e9);
            node = ServerNode.start(ServerNode.Config.defaults().toBuilder()
                    .nodeId("fleet-node")
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .advertiseHost(java.net.InetAddress.getByName("127.0.0.1"))
                    .defaultPool(POOL)
                    .build(), pools, devices, null);
            System.out.printf(Locale.ROOT, "READY port=%d pid=%d boot_ms=%d%n", node.localAddress().getPort(),
                    ProcessHandle.current().pid(), (System.nanoTime() - t0) / 1_000_000);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.trim().equals("counters")) {
                    Map<String, Long> c = new TreeMap<>(node.counters());
                    pools.counters().forEach((k, v) -> c.put("pool." + k, v));
                    System.out.println("COUNTERS " + c);
                    System.out.flush();
                }
            }
        } finally {
            if (node != null) {
                node.close();
            }
            if (pools != null) {
                pools.close();
            }
            store.close();
        }
        System.exit(0);
    }
}
