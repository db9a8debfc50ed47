package net.dtm.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Health;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.api.metrics.Metric;
import net.dtm.api.metrics.Sample;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.server.node.ServerNode;
import net.dtm.api.fakes.SettableClock;

/** A node's figures and readiness, measured on a running node. */
class ServerMetricsTest {

    private final FakePools pools = new FakePools(Clock.systemUTC());
    private final DeviceManager devices = new DeviceManager(new FakeDeviceStore());

    private static Metric family(List<Metric> metrics, String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    private static Sample sample(List<Metric> metrics, String name, Map<String, String> labels) {
        return family(metrics, name).samples().stream().filter(s -> s.labels().equals(labels)).findFirst()
                .orElseThrow(() -> new AssertionError(name + labels));
    }

    /** A version 2 ESTABLISH of a VXLAN tunnel from {@code pool} ("" for the default). */
    private static Establish establish(String pool) {
        return new Establish(TunnelType.VXLAN, pool, List.of(), Optional.empty(), "", Optional.empty());
    }

    /** A device with its key enrolled. */
    private TestDevice enrolled(String id) {
        TestDevice device = new TestDevice(id);
        devices.enroll(device.id, device.key);
        return device;
    }

    private ServerNode start(FakeCluster cluster) throws IOException {
        return ServerNode.start(ServerNode.Config.defaults().toBuilder().bind(ServerNodeTest.LOOPBACK_ANY).workers(2, 64, 16)
                .defaultPool("demo")
                .bootstrap(List.of(Pool.of("demo", "10.64.0.0/24", 3600)), List.of(), java.nio.file.Path.of("unused"))
                .build(), pools, devices, cluster);
    }

    @Test
    void requestHandlingTimeIsMeasuredPerTypeFromReceivedToAnswerSent() throws Exception {
        TestDevice device = enrolled("smr-m");
        FakeCluster cluster = new FakeCluster("node-m");
        try (ServerNode node = start(cluster); DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Params p = assertInstanceOf(Params.class, ServerNodeTest.ask(client, node, device, establish("")));
            assertInstanceOf(Ack.class, ServerNodeTest.ask(client, node, device, new Confirm(p.pool(), p.parameters().innerAddress(),
                    p.leaseSequence())));

            // recorded just after the answer is sent: the client may read it first
            await().atMost(Duration.ofSeconds(10)).until(() -> sample(node.metrics().metrics(),
                    RequestLatency.METRIC, Map.of("type", "confirm")).value() == 1);
            List<Metric> m = node.metrics().metrics();
            Sample establish = sample(m, RequestLatency.METRIC, Map.of("type", "establish"));
            assertEquals(1, establish.histogram().count());
            assertTrue(establish.histogram().sum() > 0 && establish.histogram().sum() < 5, establish.toString());
            assertEquals(0, sample(m, RequestLatency.METRIC, Map.of("type", "renew")).value());
            assertEquals(2, family(m, "dtm_server_datagrams_received_total").samples().get(0).value());
            assertEquals(1, sample(m, "dtm_server_answers_total", Map.of("type", "params")).value());
            assertEquals(1, sample(m, "dtm_server_answers_total", Map.of("type", "ack")).value());
            assertEquals(2, family(m, "dtm_server_leases_served_total").samples().get(0).value());
            assertEquals(1, sample(m, "dtm_cluster_node_state", Map.of("node", "node-m", "state", "active")).value());
            assertEquals(0, sample(m, "dtm_cluster_node_state", Map.of("node", "node-m", "state", "draining")).value());
            assertEquals(1, sample(m, "dtm_cluster_nodes", Map.of("state", "active")).value());
            assertEquals(1, sample(m, "dtm_cluster_leader", Map.of("node", "node-m")).value());
            assertTrue(m.stream().flatMap(f -> f.samples().stream()).noneMatch(s -> s.labels().containsValue("smr-m")),
                    "no device id in a label");
        }
    }

    @Test
    void answeredRequestsAreCountedOnceEachByTypeAndTheirAnswersType() throws Exception {
        TestDevice device = enrolled("smr-r");
        FakeCluster cluster = new FakeCluster("node-r");
        try (ServerNode node = start(cluster); DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Params p = assertInstanceOf(Params.class, ServerNodeTest.ask(client, node, device, establish("")));
            assertInstanceOf(Nak.class, ServerNodeTest.ask(client, node, device, establish("no-such-pool")));
            byte[] confirm = device.requestV2(new Confirm(p.pool(), p.parameters().innerAddress(), p.leaseSequence()));
            assertInstanceOf(Ack.class, ServerNodeTest.send(client, node, device, confirm));
            assertInstanceOf(Ack.class, ServerNodeTest.send(client, node, device, confirm));   // a copy: answered again

            await().atMost(Duration.ofSeconds(10)).until(() -> family(node.metrics().metrics(), RequestResults.METRIC)
                    .samples().stream().mapToDouble(Sample::value).sum() == 4);
            List<Metric> m = node.metrics().metrics();
            assertEquals(Metric.Type.COUNTER, family(m, RequestResults.METRIC).type());
            assertEquals(Map.of("establish/params", 1.0, "establish/nak", 1.0, "confirm/ack", 2.0),
                    family(m, RequestResults.METRIC).samples().stream().collect(java.util.stream.Collectors.toMap(
                            s -> s.labels().get("type") + "/" + s.labels().get("result"), Sample::value)));
            assertEquals(1, sample(m, "dtm_server_answers_total", Map.of("type", "duplicate")).value());
        }
    }

    @Test
    void drainingTurnsTheNodeNotReadyAndItsRefusalsAreCountedByReason() throws Exception {
        TestDevice device = enrolled("smr-d");
        FakeCluster cluster = new FakeCluster("node-d");
        try (ServerNode node = start(cluster); DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertTrue(node.health(true).ready(), node.health(true).toString());
            assertEquals(new Health.Check("endpoint", true, "UDP 127.0.0.1:" + node.port() + " bound"),
                    node.health(true).checks().get(2));
            assertEquals("UDP *:47800 bound", ServerHealth.of(Optional.of(new ServerHealth.Node(new InetSocketAddress(47800),
                    true, false, Optional.empty())), true).checks().get(2).detail());
            assertFalse(node.health(false).ready(), "no pool manager: not ready");

            assertTrue(node.clusterService().setDraining("node-d", true, true));   // forced: the last active node
            node.clusterView().invalidate();

            Health drained = node.health(true);
            assertFalse(drained.ready());
            assertEquals(List.of(true, false, true), drained.checks().stream().map(Health.Check::ok).toList());
            Nak nak = assertInstanceOf(Nak.class, ServerNodeTest.ask(client, node, device, establish("")));
            assertEquals("not-serving", nak.reason().label());
            List<Metric> m = node.metrics().metrics();
            assertEquals(1, sample(m, "dtm_server_naks_total", Map.of("reason", "not_serving")).value());
            assertEquals(1, sample(m, "dtm_cluster_node_state", Map.of("node", "node-d", "state", "draining")).value());
        }
    }

    @Test
    void losingTheStoresQuorumTurnsTheNodeNotReady() throws Exception {
        FakeCluster cluster = new FakeCluster("node-q");
        try (ServerNode node = start(cluster)) {
            cluster.setConnected(false);
            Health h = node.health(true);
            assertFalse(h.ready());
            assertEquals("store", h.checks().get(0).name());
            assertTrue(h.checks().get(0).detail().startsWith("not connected to the store's quorum since"), h.toString());
            cluster.setConnected(true);
            assertTrue(node.health(true).ready());
        }
    }

    @Test
    void noRunningNodeIsNotReadyAndSaysWhy() {
        Health h = ServerHealth.of(Optional.empty(), false);
        assertEquals("server", h.component());
        assertEquals(List.of("store", "draining", "endpoint"), h.checks().stream().map(Health.Check::name).toList());
        assertTrue(h.checks().stream().noneMatch(Health.Check::ok));
        assertTrue(h.checks().get(2).detail().startsWith("server node not running"));
    }

    @Test
    void degradedTimeAddsUpEveryEpisode() {
        FakeCluster cluster = new FakeCluster("node-t");
        SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
        ServerSettings settings = new ServerSettings("node-t", new InetSocketAddress("127.0.0.1", 47800),
                new InetSocketAddress("192.0.2.1", 4789), TunnelType.VXLAN, 1400, 10, "demo", List.of());
        try (ClusterView view = new ClusterView(cluster, settings, clock)) {
            cluster.setConnected(false);
            view.degraded();
            clock.advance(Duration.ofSeconds(3));
            cluster.setConnected(true);
            view.degraded();
            clock.advance(Duration.ofSeconds(10));
            assertEquals(3.0, view.degradedSeconds());
            cluster.setConnected(false);
            view.degraded();
            clock.advance(Duration.ofMillis(1500));
            assertEquals(4.5, view.degradedSeconds(), "the ongoing episode counts");
        }
    }

    @Test
    void countersBecomeFamiliesLabelledByTheirSuffix() {
        Metric m = ServerMetrics.byLabel(Map.of("dropped.source-rate", 4L, "dropped.enrol-off", 1L, "received", 9L,
                "enrol.refused.unknown-key", 2L), "dropped.", "dtm_server_dropped_total", "reason", "");
        assertEquals(Map.of("source_rate", 4.0, "enrol_off", 1.0), m.samples().stream()
                .collect(java.util.stream.Collectors.toMap(s -> s.labels().get("reason"), Sample::value)));
        Metric enrol = ServerMetrics.byLabel(Map.of("enrol.refused.unknown-key", 2L, "enrol.try-later", 1L), "enrol.",
                "dtm_enrol_total", "result", "");
        assertEquals(Map.of("refused_unknown_key", 2.0, "try_later", 1.0), enrol.samples().stream()
                .collect(java.util.stream.Collectors.toMap(s -> s.labels().get("result"), Sample::value)));
    }
}
