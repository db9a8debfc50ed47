package net.dtm.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import net.dtm.api.LinkInfo;
import net.dtm.api.TunnelStatus;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.MetricSource;
import net.dtm.api.metrics.Sample;
import net.dtm.spi.link.LinkState;

/**
 * The agent's figures for the metrics bundle: establishments and their time, whether the tunnel is
 * up, and per link (label {@code link}, the link's id) its smoothed RTT, RTO, loss estimate, copies,
 * datagrams sent, usability and state. No device id in any label.
 */
final class AgentMetrics implements MetricSource {

    private final Establishments establishments;
    private final Supplier<TunnelStatus> status;
    private final Supplier<List<LinkInfo>> links;

    AgentMetrics(Establishments establishments, Supplier<TunnelStatus> status, Supplier<List<LinkInfo>> links) {
        this.establishments = establishments;
        this.status = status;
        this.links = links;
    }

    /** Whether the link may carry the tunnel: enabled by the operator and not down. */
    static boolean usable(LinkInfo l) {
        return l.enabled() && !l.state().equalsIgnoreCase(LinkState.DOWN.name());
    }

    /** Whether the agent holds a tunnel (established, or renewing one). */
    static boolean up(TunnelStatus s) {
        return s.state() == TunnelStatus.State.ESTABLISHED || s.state() == TunnelStatus.State.RENEWING;
    }

    @Override
    public List<Metric> metrics() {
        List<Metric> out = new ArrayList<>(establishments.metrics());
        out.add(Metric.single("dtm_agent_tunnel_up", "1 while the tunnel is established", Metric.Type.GAUGE,
                up(status.get()) ? 1 : 0));
        List<LinkInfo> all = links.get();
        out.add(perLink("dtm_agent_link_rtt_seconds", "Smoothed round-trip time", Metric.Type.GAUGE, all,
                l -> l.srtt().toNanos() / 1e9));
        out.add(perLink("dtm_agent_link_rto_seconds", "Retransmission timeout", Metric.Type.GAUGE, all,
                l -> l.rto().toNanos() / 1e9));
        out.add(perLink("dtm_agent_link_loss_ratio", "Estimated loss, 0..1", Metric.Type.GAUGE, all, LinkInfo::lossEstimate));
        out.add(perLink("dtm_agent_link_copies", "Copies of each datagram sent on the link now", Metric.Type.GAUGE, all,
                LinkInfo::copies));
        out.add(perLink("dtm_agent_link_datagrams_sent_total", "Datagrams sent on the link, copies included",
                Metric.Type.COUNTER, all, LinkInfo::datagramsSent));
        out.add(perLink("dtm_agent_link_up", "1 while the link is usable (enabled and not down)", Metric.Type.GAUGE, all,
                l -> usable(l) ? 1 : 0));
        List<Sample> states = new ArrayList<>();
        for (LinkInfo l : all) {
            for (LinkState s : LinkState.values()) {
                String name = s.name().toLowerCase(Locale.ROOT);
                states.add(Sample.of(Map.of("link", l.id(), "state", name), l.state().equalsIgnoreCase(name) ? 1 : 0));
            }
        }
        out.add(new Metric("dtm_agent_link_state", "1 for each link's current state", Metric.Type.GAUGE, states));
        return out;
    }

    private static Metric perLink(String name, String help, Metric.Type type, List<LinkInfo> all, ToDoubleFunction<LinkInfo> f) {
        List<Sample> samples = new ArrayList<>(all.size());
        for (LinkInfo l : all) {
            samples.add(Sample.of(Map.of("link", l.id()), f.applyAsDouble(l)));
        }
        return new Metric(name, help, type, samples);
    }
}
