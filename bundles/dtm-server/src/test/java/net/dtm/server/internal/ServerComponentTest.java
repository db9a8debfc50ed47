package net.dtm.server.internal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.ClusterService;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Establish;
import net.dtm.protocol.Params;
import net.dtm.protocol.SequenceSource;
import net.dtm.protocol.Transactions;

/** Activates the DS component by hand, as SCR would, with in-memory services. */
class ServerComponentTest {

    @TempDir
    Path dir;

    private ServerComponent.Config config(int port) {
        Path keys = dir.resolve("keys");
        return new ServerComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return ServerComponent.Config.class; }
            @Override public String bind_host() { return "127.0.0.1"; }
            @Override public int bind_port() { return port; }
            @Override public String advertise_host() { return "127.0.0.1"; }
            @Override public String tunnel_endpoint() { return ""; }
            @Override public String tunnel_type() { return "vxlan"; }
            @Override public int tunnel_mtu() { return 1400; }
            @Override public int keepalive_seconds() { return 10; }
            @Override public String default_pool() { return "demo"; }
            @Override public String bootstrap_pool() { return "demo=10.64.0.0/16,3600"; }
            @Override public String bootstrap_devices() { return "smr-1"; }
            @Override public String keys_dir() { return keys.toString(); }
            @Override public String advertise_servers() { return ""; }
            @Override public int worker_threads() { return 2; }
            @Override public int queue_capacity() { return 64; }
            @Override public int source_queue_limit() { return 16; }
            @Override public double source_rate() { return 200; }
            @Override public int source_burst() { return 400; }
            @Override public int source_table_size() { return 1024; }
            @Override public String tunnel_wireguard_public_key() { return ""; }
            @Override public double enrol_source_rate() { return 20; }
            @Override public int enrol_source_burst() { return 100; }
            @Override public double enrol_key_rate() { return 200; }
            @Override public int enrol_key_burst() { return 1000; }
        };
    }

    @Test
    void activationBootstrapsServesAndDeactivationFreesThePort() throws Exception {
        FakePools pools = new FakePools(Clock.systemUTC());
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        ServerComponent server = new ServerComponent(pools, devices, new FakeCluster("node-t", "standalone"), config(0),
                Map.of());
        int port = server.port();
        try {
            assertEquals("node-t", server.nodeId());
            assertTrue(pools.pool("demo").isPresent());
            byte[] key = DeviceCredential.parseKey(Files.readString(dir.resolve("keys/smr-1.key")));

            byte[] request = Codec.encode(new Envelope(Direction.TO_SERVER, DeviceId.of("smr-1"), Transactions.newId(),
                    new SequenceSource().next(), new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty())), key);
            try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                client.setSoTimeout(5000);
                client.send(new DatagramPacket(request, request.length, new InetSocketAddress("127.0.0.1", port)));
                byte[] buffer = new byte[2048];
                DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                client.receive(answer);
                Params params = assertInstanceOf(Params.class, Codec.decode(Arrays.copyOf(buffer, answer.getLength()), key).body());
                assertEquals(new InetSocketAddress("127.0.0.1", 4789), params.parameters().serverEndpoint());
                assertEquals("node-t", params.parameters().serverNodeId());
            }
            assertEquals(1L, server.counters().get("answered.params"));
        } finally {
            server.deactivate();
        }
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(port, probe.getLocalPort());
        }
    }

    @Test
    void clusterNodeTakesItsIdFromTheClusterAdvertisesItsBoundPortAndIsTheClusterService() throws Exception {
        FakePools pools = new FakePools(Clock.systemUTC());
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        FakeCluster cluster = new FakeCluster("zk-node-7");
        ServerComponent server = new ServerComponent(pools, devices, cluster, config(0), Map.of("node.id", "node-old"));
        try {
            assertEquals("zk-node-7", server.nodeId());
            assertEquals(List.of(List.of(new InetSocketAddress("127.0.0.1", server.port()))), cluster.advertised,
                    "the bound port, not 0");
            assertEquals("zookeeper", server.mode());
            assertEquals("zk-node-7", server.local().id());
            assertEquals(1, server.nodes().size());
            assertThrows(ClusterService.LastActiveNodeException.class, () -> server.setDraining("zk-node-7", true),
                    "the only node is not drained unless forced");
            assertTrue(server.setDraining("zk-node-7", true, true));
            assertTrue(server.node().clusterView().draining());
        } finally {
            server.deactivate();
        }
        assertTrue(cluster.listeners.isEmpty(), "stopped listening to the cluster");
    }

    @Test
    void anUnreachableStoreDoesNotKeepTheServerFromStarting() throws Exception {
        FakePools pools = new FakePools(Clock.systemUTC());
        pools.unavailable = true;
        DeviceManager devices = new DeviceManager(new FakeDeviceStore());
        ServerComponent server = new ServerComponent(pools, devices, new FakeCluster("zk-node-1"), config(0), Map.of());
        try {
            assertTrue(server.port() > 0, "serving although the bootstrap pool could not be read");
            assertFalse(server.provisioned(), "provisioning waits for the store");
        } finally {
            server.deactivate();
        }
    }

    @Test
    void portInUseFailsActivationButBootstrapAndDevicesStillWork() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            FakePools pools = new FakePools(Clock.systemUTC());
            DeviceManager devices = new DeviceManager(new FakeDeviceStore());
            IOException e = assertThrows(IOException.class,
                    () -> new ServerComponent(pools, devices, new FakeCluster("node-t", "standalone"),
                            config(squatter.getLocalPort()), Map.of()));
            assertTrue(e.getMessage().contains(String.valueOf(squatter.getLocalPort())), e.getMessage());
            assertTrue(devices.device(DeviceId.of("smr-1")).isPresent());
        }
    }

    @Test
    void aBadSettingFailsActivationBeforeAnythingStarts() {
        FakePools pools = new FakePools(Clock.systemUTC());
        ServerComponent.Config base = config(0);
        ServerComponent.Config badEndpoint = (ServerComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ServerComponent.Config.class},
                (p, m, a) -> m.getName().equals("tunnel_endpoint") ? "nowhere" : m.invoke(base, a));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ServerComponent(pools,
                new DeviceManager(new FakeDeviceStore()), new FakeCluster("node-t", "standalone"), badEndpoint, Map.of()));
        assertTrue(e.getMessage().contains("tunnel.endpoint"), e.getMessage());
        assertTrue(pools.pool("demo").isEmpty(), "not provisioned");
    }

    @Test
    void aBadEnrolmentLimitFailsActivationNamingIt() {
        FakePools pools = new FakePools(Clock.systemUTC());
        ServerComponent.Config base = config(0);
        for (String setting : List.of("enrol_source_rate", "enrol_source_burst", "enrol_key_rate", "enrol_key_burst")) {
            ServerComponent.Config bad = (ServerComponent.Config) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {ServerComponent.Config.class},
                    (p, m, a) -> m.getName().equals(setting) ? (m.getReturnType() == double.class ? (Object) 0.0 : (Object) 0)
                            : m.invoke(base, a));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ServerComponent(pools,
                    new DeviceManager(new FakeDeviceStore()), new FakeCluster("node-t", "standalone"), bad, Map.of()));
            assertTrue(e.getMessage().contains(setting.replace('_', '.')), e.getMessage());
        }
    }

    @Test
    void enrolIsDroppedUntilAnEnrolmentKeyStoreIsBoundAndAgainOnceItGoes() throws Exception {
        FakePools pools = new FakePools(Clock.systemUTC());
        DeviceManagerComponent devices = new DeviceManagerComponent(new FakeDeviceStore());
        ServerComponent server = new ServerComponent(pools, devices, new FakeCluster("node-t", "standalone"), config(0),
                Map.of());
        EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
        FakeEnrolmentKeyStore keys = new FakeEnrolmentKeyStore();
        keys.add(new EnrolmentKey(token.id(), token.verifier(), token.replyKey(), "", "*", "", 0, 0, Instant.now().minusSeconds(1),
                Instant.now().plusSeconds(3600), false));
        TestRouter router = new TestRouter("bus-7");
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            client.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
            byte[] first = router.enrol(token);
            client.send(new DatagramPacket(first, first.length, to));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.counters().getOrDefault("dropped.enrol-off", 0L) == 1);

            server.bindEnrolmentKeys(keys);
            byte[] second = router.enrol(token);
            client.send(new DatagramPacket(second, second.length, to));
            byte[] buffer = new byte[2048];
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            client.receive(answer);
            EnrolReply reply = router.open(second, Arrays.copyOf(buffer, answer.getLength()));
            assertEquals(EnrolReply.Status.GRANTED, reply.status());
            assertArrayEquals(reply.deviceKey(), devices.device(router.id).orElseThrow().key(), "the registry sees it at once");

            server.unbindEnrolmentKeys(new FakeEnrolmentKeyStore());
            assertTrue(server.node().enrolmentEnabled(), "another store's going changes nothing");
            server.unbindEnrolmentKeys(keys);
            assertFalse(server.node().enrolmentEnabled());
        } finally {
            server.deactivate();
        }
    }

    @Test
    void theEnrolmentReferencesAreOptionalDynamicAndTheServiceTakesItsStoreTarget() throws Exception {
        String server = Files.readString(Path.of("target/classes/OSGI-INF/" + ServerComponent.class.getName() + ".xml"));
        assertTrue(server.contains("name=\"enrolmentKeys\"") && server.contains("cardinality=\"0..1\"")
                && server.contains("policy=\"dynamic\""), server);
        String service = Files.readString(Path.of("target/classes/OSGI-INF/" + EnrolmentServiceComponent.class.getName() + ".xml"));
        assertTrue(service.contains("configuration-pid=\"" + EnrolmentServiceComponent.PID + "\"") && service.contains("name=\"store\"")
                && service.contains("net.dtm.api.EnrolmentService"), service);
    }

    @Test
    void deviceComponentDelegatesToTheRegistry() {
        FakeDeviceStore store = new FakeDeviceStore();
        DeviceManagerComponent component = new DeviceManagerComponent(store);
        DeviceCredential c = component.enroll(DeviceId.of("smr-9"));
        assertArrayEquals(c.key(), component.device(DeviceId.of("smr-9")).orElseThrow().key());
        assertEquals(1, component.devices().size());
        assertTrue(component.remove(DeviceId.of("smr-9")));
        assertTrue(store.devices.isEmpty());
    }

    @Test
    void deviceComponentTakesItsStoreTargetFromConfiguration() throws Exception {
        java.nio.file.Path xml = java.nio.file.Path.of("target/classes/OSGI-INF/" + DeviceManagerComponent.class.getName() + ".xml");
        String descriptor = java.nio.file.Files.readString(xml);
        // DS reads the reference named "store" from store.target in the component's configuration
        assertTrue(descriptor.contains("configuration-pid=\"" + DeviceManagerComponent.PID + "\""), descriptor);
        assertTrue(descriptor.contains("name=\"store\""), descriptor);
    }
}
