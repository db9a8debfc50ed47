package net.dtm.server.internal;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.ClusterService;
import net.dtm.api.NodeInfo;
import net.dtm.api.NodeState;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;

/**
 * A server node's figures for the metrics bundle, read at each scrape from its {@link Counters},
 * its {@link RequestLatency}, its {@link RequestResults} and its view of the cluster: datagrams
 * received, answers by type, answered requests by type and result, NAKs, drops and enrolments by
 * reason, request handling time, leases served, the cluster's nodes, their states and leader, and
 * the time this node has been degraded. Labels are counter suffixes,
 * message types, node states and node ids: bounded sets, never device ids.
 */
public final class ServerMetrics implements MetricSource {

    private static final Logger LOG = LoggerFactory.getLogger(ServerMetrics.class);

    private final Supplier<Map<String, Long>> counters;
    private final RequestLatency latency;
    private final RequestResults results;
    private final ClusterService cluster;
    private final ClusterView view;

    /**
     * @param counters the node's counters now
     * @param latency  the request handling time per type
     * @param results  the answered requests by type and result
     * @param cluster  the node directory (the cluster's nodes as this node sees them)
     * @param view     this node's degraded state and time
     */
    public ServerMetrics(Supplier<Map<String, Long>> counters, RequestLatency latency, RequestResults results,
                         ClusterService cluster, ClusterView view) {
        this.counters = counters;
        this.latency = latency;
        this.results = results;
        this.cluster = cluster;
        this.view = view;
    }

    @Override
    public List<Metric> metrics() {
        Map<String, Long> c = counters.get();
        List<Metric> out = new ArrayList<>();
        out.add(Metric.single("dtm_server_datagrams_received_total", "Datagrams received by the control endpoint",
                Metric.Type.COUNTER, c.getOrDefault("received", 0L)));
        out.add(byLabel(c, "answered.", "dtm_server_answers_total", "type",
                "Answers sent, by message type (duplicate: a copy of a request answered again)"));
        out.add(byLabel(c, RequestHandler.NAK_PREFIX, "dtm_server_naks_total", "reason", "NAKs sent, by reason"));
        out.add(byLabel(c, "dropped.", "dtm_server_dropped_total", "reason", "Datagrams dropped unanswered, by reason"));
        out.add(byLabel(c, "enrol.", "dtm_enrol_total", "result",
                "ENROL requests decided, by result (granted, again, replaced, fetched, refused_<reason>, try_later)"));
        out.add(Metric.single("dtm_server_leases_served_total", "Leases served: PARAMS for ESTABLISH and RENEW, ACKs of CONFIRM",
                Metric.Type.COUNTER, c.getOrDefault(RequestHandler.LEASES_SERVED, 0L)));
        out.add(results.metric());
        out.add(latency.metric());
        out.addAll(cluster());
        return out;
    }

    /** A counter family from the counters named {@code prefix<suffix>}, labelled with the suffix ('-' and '.' to '_'). */
    static Metric byLabel(Map<String, Long> counters, String prefix, String name, String label, String help) {
        List<Sample> samples = new ArrayList<>();
        counters.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                samples.add(Sample.of(Map.of(label, labelValue(k.substring(prefix.length()))), v));
            }
        });
        return new Metric(name, help, Metric.Type.COUNTER, samples);
    }

    private static String labelValue(String suffix) {
        return suffix.replace('-', '_').replace('.', '_').toLowerCase(Locale.ROOT);
    }

    private List<Metric> cluster() {
        view.degraded();   // notes the state now, so an episode's time counts without requests
        List<Metric> out = new ArrayList<>();
        out.add(Metric.single("dtm_cluster_degraded_seconds_total",
                "Seconds this node has been degraded (not connected to the store's quorum) since it started",
                Metric.Type.COUNTER, view.degradedSeconds()));
        List<NodeInfo> nodes;
        try {
            nodes = cluster.nodes();
        } catch (RuntimeException e) {
            LOG.debug("cluster nodes not read for the metrics: {}", e.toString());
            return out;
        }
        Map<NodeState, Integer> byState = new EnumMap<>(NodeState.class);
        List<Sample> states = new ArrayList<>();
        List<Sample> leaders = new ArrayList<>();
        for (NodeState s : NodeState.values()) {
            byState.put(s, 0);
        }
        for (NodeInfo n : nodes) {
            byState.merge(n.state(), 1, Integer::sum);
            for (NodeState s : NodeState.values()) {
                states.add(Sample.of(Map.of("node", n.id(), "state", state(s)), n.state() == s ? 1 : 0));
            }
            leaders.add(Sample.of(Map.of("node", n.id()), n.leader() ? 1 : 0));
        }
        List<Sample> counts = new ArrayList<>();
        byState.forEach((s, n) -> counts.add(Sample.of(Map.of("state", state(s)), n)));
        out.add(new Metric("dtm_cluster_nodes", "Cluster nodes by state, as this node sees them", Metric.Type.GAUGE, counts));
        out.add(new Metric("dtm_cluster_node_state", "1 for each node's current state", Metric.Type.GAUGE, states));
        out.add(new Metric("dtm_cluster_leader", "1 for the node running the housekeeping", Metric.Type.GAUGE, leaders));
        return out;
    }

    private static String state(NodeState s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
