package net.dtm.store.zookeeper;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.cluster.ClockOffset;

/**
 * Measures this node's clock against ZooKeeper's time, every {@link #EVERY} while connected. A
 * measurement writes this node's ephemeral {@code /clock/<id>} (its data: the local time, for
 * operators) and reads the write's {@link Stat#getMtime() mtime}, which the ZooKeeper leader
 * stamps with its own clock when it orders the write, so at some instant between sending the
 * request and receiving the answer. With {@code sent} the local wall-clock time at sending and
 * {@code rtt} the round trip (measured on the monotonic clock):
 * <pre>
 * offset      = mtime - (sent + rtt / 2)     the store's time minus this node's
 * uncertainty = rtt / 2 + 1 ms               (mtime has millisecond resolution)
 * </pre>
 * The true offset lies within {@code offset ± uncertainty} whatever the path's delays. Each
 * measurement replaces the last; a failed one keeps the last (its age tells how far to trust it).
 * Runs on a thread of its own: nothing here blocks the caller of {@link #latest()}.
 */
final class ZkClock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ZkCluster.class);

    static final String CLOCK = "/clock";
    /** How often the clock is measured. */
    static final Duration EVERY = Duration.ofSeconds(5);

    private final CuratorFramework client;
    private final String path;
    private final Clock clock;
    private final BooleanSupplier connected;
    private final ScheduledExecutorService timer;
    private volatile ClockOffset latest;

    /**
     * @param clock     this node's wall clock
     * @param connected whether the client may be used now (nothing is sent while not)
     */
    ZkClock(CuratorFramework client, String nodeId, Clock clock, BooleanSupplier connected) {
        this.client = client;
        this.path = CLOCK + "/" + nodeId;
        this.clock = clock;
        this.connected = connected;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtm-zk-clock");
            t.setDaemon(true);
            return t;
        });
    }

    /** Measures now and every {@link #EVERY} from now on. */
    void start() {
        timer.scheduleWithFixedDelay(this::measureQuietly, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last measurement, if any. */
    Optional<ClockOffset> latest() {
        return Optional.ofNullable(latest);
    }

    private void measureQuietly() {
        if (!connected.getAsBoolean()) {
            return;
        }
        try {
            measure();
        } catch (Exception e) {
            LOG.debug("clock not measured now: {}", e.toString());
        }
    }

    /** One measurement (on the calling thread), kept as the latest. */
    ClockOffset measure() throws Exception {
        for (int attempt = 0; ; attempt++) {
            Instant sent = clock.instant();
            long t0 = System.nanoTime();
            Stat stat;
            try {
                stat = client.setData().forPath(path, sent.toString().getBytes(StandardCharsets.UTF_8));
            } catch (KeeperException.NoNodeException missing) {
                if (attempt > 0) {
                    throw missing;
                }
                try { // the first measurement of this session: the ephemeral znode is made, then written
                    client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path);
                } catch (KeeperException.NodeExistsException raced) {
                    // made meanwhile
                }
                continue;
            }
            long rtt = System.nanoTime() - t0;
            Instant midpoint = sent.plusNanos(rtt / 2);
            ClockOffset o = new ClockOffset(Duration.between(midpoint, Instant.ofEpochMilli(stat.getMtime())),
                    Duration.ofNanos(rtt / 2).plusMillis(1), sent.plusNanos(rtt));
            latest = o;
            return o;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
