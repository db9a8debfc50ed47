package net.dtm.systest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Pool;
import net.dtm.pool.PoolManager;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.node.ServerNode;
import net.dtm.store.derby.DerbyStore;

/**
 * One standalone DTM server node as a process, for the kill -9 test: a <em>durable</em> Derby store
 * in {@code <dir>/db} (the process refuses to run with {@code derby.system.durability=test}), the pool
 * manager, the device registry and the {@link ServerNode} the distribution runs, on
 * {@code 127.0.0.1:<port>}.
 * <p>
 * On its first start it creates pool {@value #POOL} ({@value #PREFIX}) and enrols {@code <devices>}
 * devices {@code crash-00001 ...}; every start writes {@code <dir>/keys.txt} (one
 * {@code <device> <64 hex digits>} per line, written whole and then moved into place) and then prints
 * {@code READY port=<port> devices=<n> leases=<n> boot_ms=<ms>}, where {@code boot_ms} is from the JVM's
 * start to ready. It serves until its standard input closes, then closes endpoint and store cleanly
 * and prints {@code STOPPED}. A kill -9 skips all of that, which is the point.
 * <p>
 * Arguments: {@code <dir> <devices> <port>} (port 0: any free port).
 */
public final class CrashServerMain {

    static final String POOL = "crash";
    /** 4094 addresses: far more than the test's devices, so the burst never meets an exhausted pool. */
    static final String PREFIX = "10.80.0.0/20";
    static final int LEASE_SECONDS = 3600;
    static final String NODE = "crash-node";
    static final String KEYS_FILE = "keys.txt";
    static final String DB = "db";

    private CrashServerMain() {
    }

    /** The id of device {@code i} (1-based). */
    static DeviceId device(int i) {
        return DeviceId.of(String.format(Locale.ROOT, "crash-%05d", i));
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: CrashServerMain <dir> <devices> <port>");
            System.exit(2);
        }
        if ("test".equalsIgnoreCase(System.getProperty("derby.system.durability"))) {
            System.err.println("CrashServerMain: derby.system.durability=test would make commits non-durable; "
                    + "a kill -9 test needs the default durability");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int deviceCount = Integer.parseInt(args[1]);
        int port = Integer.parseInt(args[2]);

        DerbyStore store = new DerbyStore(dir.resolve(DB));
        ServerNode node = null;
        try {
            PoolManager pools = new PoolManager(store, NODE, Clock.systemUTC(), net.dtm.pool.PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
            if (pools.pool(POOL).isEmpty()) {
                pools.createPool(Pool.of(POOL, PREFIX, LEASE_SECONDS));
            }
            pools.loadAll();
            DeviceManager devices = new DeviceManager(store);
            Map<DeviceId, DeviceCredential> creds = new HashMap<>();
            for (DeviceCredential c : devices.devices()) {   // one query on a restart
                creds.put(c.device(), c);
            }
            List<DeviceId> missing = IntStream.rangeClosed(1, deviceCount).mapToObj(CrashServerMain::device)
                    .filter(id -> !creds.containsKey(id)).toList();
            // enrolled from several threads: each enrolment is a durable commit, and concurrent ones share a sync
            ExecutorService enrol = Executors.newFixedThreadPool(8);
            try {
                List<Future<DeviceCredential>> enrolled = new ArrayList<>();
                for (DeviceId id : missing) {
                    enrolled.add(enrol.submit(() -> devices.enroll(id)));
                }
                for (Future<DeviceCredential> f : enrolled) {
                    DeviceCredential c = f.get();
                    creds.put(c.device(), c);
                }
            } finally {
                enrol.shutdownNow();
            }
            writeKeys(dir.resolve(KEYS_FILE), creds);
            int leases = pools.leases(POOL).size();

            // the server node as the distribution runs it, with 8 workers, 4096 queued, 256 per source address
            node = ServerNode.start(ServerNode.Config.defaults().toBuilder()
                    .nodeId(NODE)
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .defaultPool(POOL)
                    .workers(8, 4096, 256)
                    .build(), pools, devices, null);
            long bootMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.out.println("READY port=" + node.port() + " devices=" + creds.size() + " leases=" + leases
                    + " boot_ms=" + bootMs);
            System.out.flush();
            ServerMain.drain(System.in);
            System.out.println("STOPPING counters=" + node.counters());
        } finally {
            if (node != null) {
                node.close();
            }
            store.close();
        }
        System.out.println("STOPPED");
        System.out.flush();
        System.exit(0);
    }

    /** Written whole, then moved into place, so the test never reads half a file. */
    private static void writeKeys(Path file, Map<DeviceId, DeviceCredential> creds) throws IOException {
        List<String> lines = new ArrayList<>();
        creds.values().stream().sorted((a, b) -> a.device().compareTo(b.device()))
                .forEach(c -> lines.add(c.device() + " " + c.keyHex()));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a keys file written by {@link #writeKeys}. */
    static Map<DeviceId, byte[]> readKeys(Path file) throws IOException {
        Map<DeviceId, byte[]> keys = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                throw new IOException("bad line in " + file + ": '" + line + "' (expected '<device> <hex key>')");
            }
            keys.put(DeviceId.of(parts[0]), DeviceCredential.parseKey(parts[1]));
        }
        return keys;
    }
}
