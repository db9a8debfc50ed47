package net.dtm.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.LeaseEvent;
import net.dtm.api.LeaseListener;
import net.dtm.api.OuterPath;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Message;
import net.dtm.protocol.Params;
import net.dtm.server.node.ServerNode;

/** A whole node in plain Java, as the harnesses start it. */
class ServerNodeTest {

    static final InetSocketAddress LOOPBACK_ANY = new InetSocketAddress("127.0.0.1", 0);

    private final FakePools pools = new FakePools(Clock.systemUTC());
    private final DeviceManager devices = new DeviceManager(new FakeDeviceStore());

    private static ServerNode.Builder config() {
        return ServerNode.Config.defaults().toBuilder().bind(LOOPBACK_ANY).workers(2, 64, 16);
    }

    private static boolean threadsOf(String node) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().endsWith("-" + node));
    }

    @Test
    void overItsOwnRegistryANodeStartsWithoutListingEveryDeviceAgain() throws IOException {
        CountingDeviceStore store = new CountingDeviceStore(new FakeDeviceStore());
        try (DeviceManager registry = new DeviceManager(store)) {
            registry.enroll(DeviceId.of("bus-1"));
            assertEquals(1, registry.preload());
            assertEquals(1, store.lists.get());
            try (ServerNode node = ServerNode.start(config().nodeId("solo").build(), pools, registry, null)) {
                assertEquals(1, store.lists.get(), "the screen asks the registry's memory, it does not read the store's list");
            }
        }
    }

    @Test
    void theNodeIdIsConfiguredWithoutAClusterAndTheClustersWithOne() throws IOException {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ServerNode.start(config().build(), pools, devices, null));
        assertTrue(none.getMessage().contains("node id"), none.getMessage());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> ServerNode.start(config().nodeId("node-x").build(), pools, devices, new FakeCluster("zk-1")));
        assertTrue(other.getMessage().contains("node-x") && other.getMessage().contains("zk-1"), other.getMessage());

        FakeCluster cluster = new FakeCluster("zk-1");
        try (ServerNode node = ServerNode.start(config().build(), pools, devices, cluster)) {
            assertEquals("zk-1", node.nodeId());
            assertEquals("zk-1", node.clusterService().local().id());
        }
        try (ServerNode node = ServerNode.start(config().nodeId("solo").build(), pools, devices, null)) {
            assertEquals("solo", node.nodeId());
            assertEquals("standalone", node.clusterService().mode());
        }
    }

    @Test
    void aClusterNodeAdvertisesItsBoundEndpointAndPublishesEveryHeartbeat() throws IOException {
        FakeCluster cluster = new FakeCluster("zk-2");
        try (ServerNode node = ServerNode.start(config().heartbeatPeriod(Duration.ofMillis(20)).build(), pools, devices,
                cluster)) {
            assertEquals(List.of(List.of(new InetSocketAddress("127.0.0.1", node.port()))), cluster.advertised);
            assertEquals(node.localAddress(), node.settings().controlEndpoint());
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.published.size() >= 2);
        }
    }

    @Test
    void aFailedStartLeavesNothingRunning() throws IOException {
        FakeCluster cluster = new FakeCluster("node-f");
        int port;
        try (DatagramSocket probe = new DatagramSocket(LOOPBACK_ANY)) {
            port = probe.getLocalPort();
        }
        ServerNode.Config badKey = config().bind(new InetSocketAddress("127.0.0.1", port)).wireGuardPublicKey("not-a-key")
                .build();
        assertThrows(IllegalArgumentException.class, () -> ServerNode.start(badKey, pools, devices, cluster));
        assertTrue(cluster.listeners.isEmpty(), "the request handling stopped listening to the cluster");
        assertEquals(List.of(), cluster.advertised, "never advertised");
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(port, again.getLocalPort(), "the port is free");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !threadsOf("node-f"));

        try (DatagramSocket squatter = new DatagramSocket(LOOPBACK_ANY)) {
            ServerNode.Config taken = config().nodeId("node-g").bind(new InetSocketAddress("127.0.0.1", squatter.getLocalPort()))
                    .build();
            BindException e = assertThrows(BindException.class, () -> ServerNode.start(taken, pools, devices, null));
            assertTrue(e.getMessage().contains(String.valueOf(squatter.getLocalPort())), e.getMessage());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !threadsOf("node-g"));
    }

    @Test
    void bootstrapsThenServesAndLeaseListenersGetItsEvents() throws Exception {
        TestDevice device = new TestDevice("smr-n");
        devices.enroll(device.id, device.key);
        ServerNode.Config c = config().nodeId("node-n").defaultPool("demo")
                .bootstrap(List.of(Pool.of("demo", "10.64.0.0/24", 3600)), List.of(), java.nio.file.Path.of("unused"))
                .build();
        List<LeaseEvent> events = new CopyOnWriteArrayList<>();
        LeaseListener listener = events::add;
        try (ServerNode node = ServerNode.start(c, pools, devices, null);
             DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertTrue(node.provisioned());
            assertTrue(pools.pool("demo").isPresent());
            node.addLeaseListener(listener);
            OuterPath lte = new OuterPath("lte", new InetSocketAddress("100.64.1.2", 0));
            Params p = assertInstanceOf(Params.class, ask(client, node, device, new Establish(TunnelType.VXLAN, "",
                    List.of(), Optional.empty(), "", Optional.of(lte))));
            assertEquals("node-n", p.parameters().serverNodeId());
            assertEquals(new InetSocketAddress("127.0.0.1", ServerNode.DEFAULT_TUNNEL_PORT), p.parameters().serverEndpoint());
            assertInstanceOf(Ack.class, ask(client, node, device, new Confirm(p.pool(), p.parameters().innerAddress(),
                    p.leaseSequence())));
            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
            assertEquals(LeaseEvent.Type.BOUND, events.get(0).type());
            assertEquals(DeviceId.of("smr-n"), events.get(0).lease().device());
            assertEquals(2, node.leasesServed());
            assertEquals(1L, node.counters().get("answered.params"));
            node.removeLeaseListener(listener);
        }
    }

    /** Sends {@code body} from {@code device} to the node and returns the answer's body (5 s at most). */
    static Message ask(DatagramSocket client, ServerNode node, TestDevice device, Message body) throws IOException {
        return send(client, node, device, device.requestV2(body));
    }

    /** Sends {@code request}, as it is, and opens the answer. */
    static Message send(DatagramSocket client, ServerNode node, TestDevice device, byte[] request) throws IOException {
        client.setSoTimeout(5000);
        client.send(new DatagramPacket(request, request.length, node.localAddress()));
        byte[] buffer = new byte[2048];
        DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
        client.receive(answer);
        return device.open(Arrays.copyOf(buffer, answer.getLength())).body();
    }
}
