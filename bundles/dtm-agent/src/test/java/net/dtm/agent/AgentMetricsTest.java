package net.dtm.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException.Reason;
import net.dtm.api.Health;
import net.dtm.api.LinkInfo;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelStatus.State;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;
import net.dtm.protocol.Nak;

/** The agent's figures and readiness. */
class AgentMetricsTest {

    private final AgentRig rig = new AgentRig();

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    private static Sample sample(List<Metric> metrics, String name, Map<String, String> labels) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name))
                .samples().stream().filter(s -> s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError(name + labels));
    }

    private static LinkInfo link(String id, String state, boolean enabled) {
        return new LinkInfo(id, "emulated", state, enabled, false, Optional.empty(), Optional.empty(), Duration.ofMillis(40),
                Duration.ofMillis(250), 0.125, 2, 17, 1700, 15, 1500, 0);
    }

    private static TunnelStatus status(State state) {
        return new TunnelStatus(TunnelAgentTest.DEVICE, state, Optional.empty(), Optional.empty(), Optional.empty(), 0,
                Optional.empty());
    }

    @Test
    void failedAndEstablishedAttemptsAreCountedAndTheEstablishedOneTimed() throws Exception {
        FakeServer s = rig.server(TunnelAgentTest.KEY, "node-a");
        s.nakAll = new Nak(Reason.POOL_EXHAUSTED, "full", 0);
        rig.link("lte", 30, 0, 1);
        Establishments establishments = new Establishments();
        TunnelAgent agent = rig.closeLater(new TunnelAgent(AgentSettings.of(TunnelAgentTest.DEVICE, TunnelAgentTest.KEY,
                List.of(s.address())).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofMillis(400)), rig.transport, rig.ses, Clock.systemUTC()));
        agent.setEstablishments(establishments);
        AgentMetrics metrics = new AgentMetrics(establishments, agent::status, rig.transport::linkInfos);
        agent.start();

        await().atMost(Duration.ofSeconds(10)).until(() ->
                sample(metrics.metrics(), "dtm_agent_establishments_total", Map.of("result", "failed")).value() >= 1);
        assertEquals(0, sample(metrics.metrics(), "dtm_agent_tunnel_up", Map.of()).value());
        s.nakAll = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().state() == State.ESTABLISHED);

        List<Metric> m = metrics.metrics();
        assertEquals(1, sample(m, "dtm_agent_establishments_total", Map.of("result", "established")).value());
        Sample time = sample(m, "dtm_agent_establish_seconds", Map.of());
        assertEquals(1, time.histogram().count());
        assertTrue(time.histogram().sum() >= 0.03 && time.histogram().sum() < 2, "one 30 ms round trip: " + time);
        assertEquals(1, sample(m, "dtm_agent_tunnel_up", Map.of()).value());
        assertEquals(1, sample(m, "dtm_agent_link_up", Map.of("link", "lte")).value());
        assertEquals(1, sample(m, "dtm_agent_link_state", Map.of("link", "lte", "state", "up")).value());
        assertTrue(sample(m, "dtm_agent_link_datagrams_sent_total", Map.of("link", "lte")).value() >= 2);
        assertTrue(m.stream().flatMap(f -> f.samples().stream()).noneMatch(x -> x.labels().containsValue("smr-1")),
                "no device id in a label");
    }

    @Test
    void perLinkFiguresInSeconds() {
        AgentMetrics metrics = new AgentMetrics(new Establishments(), () -> status(State.RENEWING),
                () -> List.of(link("lte", "degraded", true), link("sat", "down", true)));
        List<Metric> m = metrics.metrics();
        assertEquals(0.04, sample(m, "dtm_agent_link_rtt_seconds", Map.of("link", "lte")).value(), 1e-12);
        assertEquals(0.25, sample(m, "dtm_agent_link_rto_seconds", Map.of("link", "lte")).value(), 1e-12);
        assertEquals(0.125, sample(m, "dtm_agent_link_loss_ratio", Map.of("link", "lte")).value());
        assertEquals(2, sample(m, "dtm_agent_link_copies", Map.of("link", "lte")).value());
        assertEquals(17, sample(m, "dtm_agent_link_datagrams_sent_total", Map.of("link", "lte")).value());
        assertEquals(1, sample(m, "dtm_agent_link_up", Map.of("link", "lte")).value());
        assertEquals(0, sample(m, "dtm_agent_link_up", Map.of("link", "sat")).value());
        assertEquals(1, sample(m, "dtm_agent_link_state", Map.of("link", "sat", "state", "down")).value());
        assertEquals(0, sample(m, "dtm_agent_link_state", Map.of("link", "sat", "state", "up")).value());
        assertEquals(1, sample(m, "dtm_agent_tunnel_up", Map.of()).value(), "renewing holds the tunnel");
    }

    @Test
    void readyWhileRunningWithAUsableLinkWithOrWithoutTheTunnel() {
        Health h = AgentHealth.of(true, status(State.ESTABLISHING), List.of(link("lte", "up", true)));
        assertTrue(h.ready(), h.toString());
        assertEquals(new Health.Check("tunnel", true, "not established (establishing)"), h.checks().get(2));

        Health noLink = AgentHealth.of(true, status(State.ESTABLISHED),
                List.of(link("lte", "down", true), link("5g", "up", false)));
        assertFalse(noLink.ready());
        assertEquals(new Health.Check("links", false, "no usable link (2 down or disabled)"), noLink.checks().get(1));

        assertFalse(AgentHealth.of(false, status(State.IDLE), List.of(link("lte", "up", true))).ready());
        assertEquals(List.of("agent", "links", "tunnel"), h.checks().stream().map(Health.Check::name).toList());
    }

    @Test
    void anUnconfiguredComponentIsNotReadyAndReportsNoTunnel() {
        AgentComponent c = new AgentComponent();
        try {
            Health h = c.health();
            assertFalse(h.ready());
            assertFalse(h.checks().get(0).ok());
            assertEquals(0, sample(c.metrics().metrics(), "dtm_agent_tunnel_up", Map.of()).value());
        } finally {
            c.deactivate();
        }
    }
}
