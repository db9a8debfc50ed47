package net.dtm.server.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.cluster.Cluster;

/**
 * A bound server node's presence in the cluster: advertises its control endpoint once
 * ({@link Cluster#advertise}), then publishes its served-lease count every {@code period}
 * ({@link Cluster#publish}, also its heartbeat) on a daemon thread of its own. Failures (store
 * unavailable) are logged and retried at the next period; the advertisement too is retried until
 * it succeeds.
 */
public final class ClusterHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterHeartbeat.class);

    /** How often a node publishes its figure by default. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);

    private final Cluster cluster;
    private final List<InetSocketAddress> endpoints;
    private final LongSupplier leasesServed;
    private final ScheduledExecutorService timer;
    private volatile boolean advertised;
    private volatile boolean warned;

    private ClusterHeartbeat(Cluster cluster, List<InetSocketAddress> endpoints, LongSupplier leasesServed) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.endpoints = List.copyOf(endpoints);
        this.leasesServed = Objects.requireNonNull(leasesServed, "leasesServed");
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dtm-cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Advertises {@code endpoint} now (on the caller's thread; a failure is retried with the next
     * heartbeat) and publishes {@code leasesServed} every {@code period}.
     */
    public static ClusterHeartbeat start(Cluster cluster, InetSocketAddress endpoint, LongSupplier leasesServed,
                                         Duration period) {
        ClusterHeartbeat h = new ClusterHeartbeat(cluster, List.of(endpoint), leasesServed);
        h.advertise();
        long ms = Math.max(1, period.toMillis());
        h.timer.scheduleWithFixedDelay(h::beat, ms, ms, TimeUnit.MILLISECONDS);
        return h;
    }

    private void advertise() {
        try {
            cluster.advertise(endpoints);
            advertised = true;
            LOG.info("node {} advertised {} to the cluster ({})", cluster.nodeId(), endpoints, cluster.type());
        } catch (RuntimeException e) {
            LOG.warn("node {} cannot advertise {} yet, retried in the next heartbeat: {}", cluster.nodeId(), endpoints,
                    e.getMessage());
        }
    }

    /** One heartbeat: advertise if that failed so far, then publish the figure. */
    void beat() {
        if (!advertised) {
            advertise();
        }
        try {
            cluster.publish(leasesServed.getAsLong());
            if (warned) {
                warned = false;
                LOG.info("node {} publishes its heartbeat again", cluster.nodeId());
            }
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("node {} cannot publish its heartbeat, retried every period: {}", cluster.nodeId(), e.getMessage());
            }
        }
    }

    /** Stops publishing (the cluster implementation unregisters the node when it closes). */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
