package net.dtm.systest;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Pool;
import net.dtm.pool.PoolManager;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.internal.RequestHandler;
import net.dtm.server.node.ServerNode;
import net.dtm.store.derby.DerbyStore;

/**
 * One DTM server node as a process, for the namespace test: Derby store, pool manager, device
 * registry and the {@link ServerNode} the distribution runs, on {@code 0.0.0.0:<port>}. It enrolls the device,
 * writes its key as 64 hex digits to {@code <dir>/<device>.key}, prints {@code READY port=<port>}
 * and serves until its standard input closes (so it also ends when the test JVM dies).
 *
 * <p>Arguments: {@code <dir> <device id> <port> <advertised host>}.
 */
public final class ServerMain {

    static final String POOL = "ns";
    static final String PREFIX = "10.64.0.0/24";

    private ServerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ServerMain <dir> <device id> <port> <advertised host>");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        DeviceId device = DeviceId.of(args[1]);
        int port = Integer.parseInt(args[2]);
        String advertisedHost = args[3];

        DerbyStore store = new DerbyStore(dir.resolve("db"));
        ServerNode node = null;
        try {
            PoolManager pools = new PoolManager(store, "ns-node", Clock.systemUTC(), net.dtm.pool.PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
            if (pools.pool(POOL).isEmpty()) {
                pools.createPool(Pool.of(POOL, PREFIX, 60));
            }
            DeviceManager devices = new DeviceManager(store);
            DeviceCredential cred = devices.device(device).orElseGet(() -> devices.enroll(device));
            writeKey(dir.resolve(device + ".key"), cred.keyHex());

            node = ServerNode.start(ServerNode.Config.defaults().toBuilder()
                    .nodeId("ns-node")
                    .bind(new InetSocketAddress("0.0.0.0", port))
                    .advertiseHost(InetAddress.getByName(advertisedHost))
                    .defaultPool(POOL)
                    .workers(2, 1024, 256)
                    .answerCache(RequestHandler.DEFAULT_ANSWER_TTL, 1024)
                    .build(), pools, devices, null);
            System.out.println("READY port=" + node.port());
            System.out.flush();
            drain(System.in);
        } finally {
            if (node != null) {
                node.close();
            }
            store.close();
        }
        System.exit(0);
    }

    /** Written whole, then moved into place, so the agent never reads half a key. */
    private static void writeKey(Path file, String hex) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, hex + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Returns once the stream is closed. */
    static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
            // nothing to read from it: its end is the stop signal
        }
    }
}
