package net.dtm.agent;

import java.util.List;
import java.util.Locale;

import net.dtm.api.Health;
import net.dtm.api.Health.Check;
import net.dtm.api.LinkInfo;
import net.dtm.api.TunnelStatus;

/**
 * The agent's readiness: {@code agent} (running) and {@code links} (at least one usable link).
 * The tunnel is shown as a third check, {@code tunnel}, that always passes and says whether it is
 * established: a device without its tunnel (servers away, pool exhausted) is still a working agent
 * that keeps trying, and readiness must not make a supervisor restart it for that.
 */
final class AgentHealth {

    /** The component name reported. */
    static final String COMPONENT = "agent";

    private AgentHealth() {
    }

    /**
     * @param running whether an agent was started (it has its key; an enrolling one has not yet)
     * @param status  its tunnel status
     * @param links   the transport's links
     */
    static Health of(boolean running, TunnelStatus status, List<LinkInfo> links) {
        Check agent = running && status.state() != TunnelStatus.State.IDLE
                ? new Check("agent", true, "running, tunnel " + status.state().name().toLowerCase(Locale.ROOT))
                : new Check("agent", false, running ? "stopped" : "not running (no key yet, enrolling, or a bad setting): see the log and etc/" + AgentComponent.PID + ".cfg");
        long usable = links.stream().filter(AgentMetrics::usable).count();
        Check linkCheck = usable > 0
                ? new Check("links", true, usable + " of " + links.size() + " links usable")
                : new Check("links", false, links.isEmpty() ? "no link" : "no usable link (" + links.size() + " down or disabled)");
        Check tunnel = new Check("tunnel", true, AgentMetrics.up(status)
                ? "established" + status.parameters().map(t -> " " + t.innerAddress().getHostAddress()).orElse("")
                : "not established (" + status.state().name().toLowerCase(Locale.ROOT) + ")");
        return new Health(COMPONENT, List.of(agent, linkCheck, tunnel));
    }
}
