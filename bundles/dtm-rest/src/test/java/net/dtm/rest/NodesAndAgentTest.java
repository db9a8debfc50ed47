package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.NodeState;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelType;

class NodesAndAgentTest extends RestTestSupport {

    @BeforeEach
    void nodes() {
        cluster.add("node-a", NodeState.ACTIVE, true);
        cluster.add("node-b", NodeState.ACTIVE, false);
        services.cluster().set(cluster);
    }

    @Test
    void listsNodes() {
        Answer a = get("/api/v1/nodes");
        assertEquals(200, a.status());
        assertEquals("standalone", a.json().get("mode").asText());
        assertEquals("node-a", a.json().get("local").asText());
        assertEquals("active", a.json().at("/items/0/state").asText());
        assertEquals("127.0.0.1:4789", a.json().at("/items/0/endpoints/0").asText());
    }

    @Test
    void drainsAndUndrains() {
        Answer a = post("/api/v1/nodes/node-b/drain", null);
        assertEquals(200, a.status());
        assertTrue(a.json().get("changed").asBoolean());
        assertEquals("draining", a.json().get("state").asText());
        assertEquals(false, post("/api/v1/nodes/node-b/drain", null).json().get("changed").asBoolean());
        assertEquals("active", post("/api/v1/nodes/node-b/undrain", null).json().get("state").asText());
        assertEquals(false, post("/api/v1/nodes/node-b/undrain", null).json().get("changed").asBoolean());
    }

    @Test
    void theLastActiveNodeIsDrainedOnlyWhenForced() {
        post("/api/v1/nodes/node-b/drain", null);
        cluster.changes = 0;
        Answer refused = post("/api/v1/nodes/node-a/drain", null);
        assertEquals(409, refused.status());
        assertEquals("node-a is the last active node: no node would take new devices; use force=true to drain it anyway",
                refused.detail());
        assertEquals(0, cluster.changes);
        assertEquals(409, post("/api/v1/nodes/node-a/drain", null, "force", "false").status());
        assertEquals(400, post("/api/v1/nodes/node-a/drain", null, "force", "please").status());
        assertEquals(0, cluster.changes);
        assertEquals(200, post("/api/v1/nodes/node-a/drain", null, "force", "true").status());
        assertEquals(NodeState.DRAINING, cluster.node("node-a").orElseThrow().state());
    }

    @Test
    void anUnknownNodeIsNotFound() {
        Answer a = post("/api/v1/nodes/node-z/drain", null);
        assertEquals(404, a.status());
        assertEquals("no node named 'node-z'", a.detail());
        assertEquals(404, post("/api/v1/nodes/node-z/undrain", null).status());
        assertEquals(405, get("/api/v1/nodes/node-a/drain").status());
        assertEquals(0, cluster.changes);
    }

    @Test
    void withoutTheClusterServiceNodesSayWhatIsMissing() {
        services.cluster().unset(cluster);
        Answer a = get("/api/v1/nodes");
        assertEquals(503, a.status());
        assertEquals("The cluster service is not available on this node (is feature dtm-server installed and started?)",
                a.detail());
    }

    @Test
    void withoutAnAgentTheAgentCallsAreNotFound() {
        Answer a = get("/api/v1/agent/tunnel");
        assertEquals(404, a.status());
        assertContains(a.detail(), "no agent on this node", "dtm-agent");
        assertEquals(404, get("/api/v1/agent/links").status());
    }

    @Test
    void showsTheAgentsTunnelAndLinks() throws Exception {
        agent.status = new TunnelStatus(DeviceId.of("smr-1"), TunnelStatus.State.ESTABLISHED,
                Optional.of(new TunnelParameters(InetAddress.getByName("10.64.0.2"), 16, InetAddress.getByName("10.64.0.1"),
                        new InetSocketAddress("192.0.2.1", 4789), TunnelType.VXLAN, 1400, 25, 3600, "node-a")),
                Optional.of("192.0.2.1:4790"), Optional.of(Instant.parse("2030-01-01T08:59:00Z")), 42.5,
                Optional.of(Instant.parse("2030-01-01T09:59:00Z")));
        links.add("lte0", "lte", 100);
        services.agent().set(agent);
        services.links().set(links);
        Answer t = get("/api/v1/agent/tunnel");
        assertEquals(200, t.status());
        assertEquals("ESTABLISHED", t.json().get("state").asText());
        assertEquals("10.64.0.2", t.json().get("address").asText());
        assertEquals("vxlan", t.json().get("type").asText());
        assertEquals(42.5, t.json().get("lastEstablishMs").asDouble());
        Answer l = get("/api/v1/agent/links");
        assertEquals("lte0", l.json().at("/items/0/id").asText());
        assertEquals(21.0, l.json().at("/items/0/rttMs").asDouble());
        assertEquals(50.0, l.json().at("/items/0/lossPercent").asDouble());
    }

    @Test
    void anIdleAgentHasNoParameters() {
        agent.status = new TunnelStatus(DeviceId.of("smr-1"), TunnelStatus.State.IDLE, Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.empty());
        services.agent().set(agent);
        Answer t = get("/api/v1/agent/tunnel");
        assertEquals("IDLE", t.json().get("state").asText());
        assertTrue(t.json().get("address").isNull());
    }
}
