package net.dtm.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.NodeState;
import net.dtm.api.TunnelStatus;

class OverviewResourceTest extends RestTestSupport {

    @Test
    void summarisesAServerNode() {
        cluster.add("node-a", NodeState.ACTIVE, true);
        services.cluster().set(cluster);
        server.counters.put("received", 12L);
        server.counters.put("answered.params", 5L);
        services.server().set(server);
        Answer a = get("/api/v1/overview");
        assertEquals(200, a.status());
        assertEquals("node-a", a.json().get("node").asText());
        assertEquals("node-a", a.json().at("/nodes/0/id").asText());
        assertEquals("demo", a.json().at("/pools/0/name").asText());
        assertEquals(1, a.json().at("/pools/0/bound").asLong());
        assertEquals(65531, a.json().at("/pools/0/free").asLong());
        assertEquals(1, a.json().at("/leases/bound").asLong());
        assertEquals(1, a.json().at("/leases/locked").asLong());
        assertEquals(12, a.json().at("/requests/received").asLong());
        assertTrue(a.json().get("agent").isNull());
    }

    @Test
    void answersOnAnAgentOnlyNode() {
        services.pools().unset(pools);
        services.devices().unset(devices);
        agent.status = new TunnelStatus(DeviceId.of("smr-1"), TunnelStatus.State.ESTABLISHING, Optional.empty(),
                Optional.empty(), Optional.empty(), 0, Optional.empty());
        services.agent().set(agent);
        links.add("wan0", "5g", 3);
        services.links().set(links);
        Answer a = get("/api/v1/overview");
        assertEquals(200, a.status());
        assertTrue(a.json().get("node").isNull());
        assertEquals(0, a.json().get("pools").size());
        assertEquals(0, a.json().get("nodes").size());
        assertEquals("ESTABLISHING", a.json().at("/agent/tunnel/state").asText());
        assertEquals("wan0", a.json().at("/agent/links/0/id").asText());
    }

    @Test
    void fallsBackToTheServersNodeIdWithoutACluster() {
        services.server().set(server);
        assertEquals("node-a", get("/api/v1/overview").json().get("node").asText());
    }
}
