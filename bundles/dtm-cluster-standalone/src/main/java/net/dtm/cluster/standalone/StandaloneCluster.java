package net.dtm.cluster.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.cluster.ClockOffset;
import net.dtm.spi.cluster.Cluster;
import net.dtm.spi.cluster.Member;
import net.dtm.spi.cluster.NodeIds;

/**
 * A cluster of one, for a standalone node: one member (this node, always registered), always the
 * leader, always connected, and its clock agrees with the store's (the store is on this machine:
 * {@link #clockOffset()} is zero, measured now). Its draining flag can be set on itself (other ids are refused) and is
 * kept in a small file when one is given, so it survives a restart as a clustered node's does.
 * Thread-safe.
 */
public class StandaloneCluster implements Cluster {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);

    /** {@value}: the {@link Cluster#PROP_CLUSTER_TYPE} of this implementation. */
    public static final String TYPE = "standalone";

    private final String nodeId;
    private final Path drainingFile;
    private final Clock clock;
    private final Map<String, String> detail;
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();

    private volatile List<InetSocketAddress> endpoints = List.of();
    private volatile long leasesServed;
    private volatile Instant lastSeen;
    private volatile boolean draining;

    /**
     * @param nodeId       this node's id (see {@link NodeIds})
     * @param drainingFile where the draining flag is kept (created when drained, deleted when
     *                     undrained); null keeps it in memory only
     * @param clock        time source
     * @param detail       what {@link #status()} shows besides the draining flag, e.g. the store
     */
    public StandaloneCluster(String nodeId, Path drainingFile, Clock clock, Map<String, String> detail) {
        this.nodeId = NodeIds.validate(Objects.requireNonNull(nodeId, "nodeId").trim(), "node id");
        this.drainingFile = drainingFile;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.detail = Map.copyOf(detail);
        this.lastSeen = clock.instant();
        this.draining = drainingFile != null && Files.exists(drainingFile);
        if (draining) {
            LOG.warn("node {} starts drained ({} exists): it takes no new devices until node:undrain {}", nodeId,
                    drainingFile, nodeId);
        }
    }

    /** A cluster of one with the flag in memory only. */
    public StandaloneCluster(String nodeId) {
        this(nodeId, null, Clock.systemUTC(), Map.of());
    }

    /** {@inheritDoc} Zero, measured now: the store keeps time with this machine's clock. */
    @Override
    public Optional<ClockOffset> clockOffset() {
        return Optional.of(ClockOffset.none(clock.instant()));
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void advertise(List<InetSocketAddress> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        this.lastSeen = clock.instant();
        fire();
    }

    @Override
    public void publish(long leasesServed) {
        this.leasesServed = leasesServed;
        this.lastSeen = clock.instant();
    }

    @Override
    public List<Member> members() {
        return List.of(new Member(nodeId, "", endpoints, true, draining, true, leasesServed, lastSeen));
    }

    @Override
    public boolean isLeader() {
        return true;
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public synchronized boolean setDraining(String id, boolean flag) {
        if (!nodeId.equals(id)) {
            throw new IllegalArgumentException("no node " + id + ": this standalone node is " + nodeId);
        }
        if (draining == flag) {
            return false;
        }
        if (drainingFile != null) {
            try {
                if (flag) {
                    Files.createDirectories(drainingFile.toAbsolutePath().getParent());
                    Path tmp = drainingFile.resolveSibling(drainingFile.getFileName() + ".tmp");
                    Files.writeString(tmp, nodeId + "\n", StandardCharsets.UTF_8);
                    Files.move(tmp, drainingFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } else {
                    Files.deleteIfExists(drainingFile);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot " + (flag ? "write " : "delete ") + drainingFile
                        + " holding the draining flag of node " + nodeId + ": " + e.getMessage(), e);
            }
        }
        draining = flag;
        LOG.info("node {} {}", nodeId, flag ? "drained: takes no new devices" : "undrained: takes new devices again");
        fire();
        return true;
    }

    @Override
    public Map<String, String> status() {
        Map<String, String> out = new LinkedHashMap<>(detail);
        out.put("draining.flag", drainingFile == null ? "in memory" : drainingFile.toString());
        return out;
    }

    @Override
    public void addListener(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    private void fire() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("cluster listener failed: {}", e.toString());
            }
        }
    }
}
