package net.dtm.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelStatus.State;
import net.dtm.api.TunnelType;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;
import net.dtm.pool.PoolManager;
import net.dtm.server.internal.Counters;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.internal.RequestHandler;
import net.dtm.server.internal.ServerSettings;
import net.dtm.server.internal.UdpEndpoint;
import net.dtm.spi.link.LinkKind;
import net.dtm.store.derby.DerbyStore;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/**
 * The whole path with nothing faked: agents on three emulated 50 %-loss links, two server nodes
 * (MINA UDP endpoints, request handlers) over one pool manager on an embedded Derby store.
 */
class EndToEndTest {

    @TempDir
    Path dir;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
    private final List<AutoCloseable> open = new ArrayList<>();
    private DerbyStore store;
    private PoolManager pools;
    private DeviceManager devices;
    private final List<InetSocketAddress> servers = new ArrayList<>();
    private final List<Counters> counters = new ArrayList<>();

    @BeforeEach
    void startServers() throws IOException {
        startStack();
        pools.createPool(Pool.of("demo", "10.64.0.0/24", 3600));
    }

    private void startStack() throws IOException {
        store = new DerbyStore(dir.resolve("db"));
        pools = new PoolManager(store, "node-a", Clock.systemUTC(), net.dtm.pool.PoolSettings.of(Duration.ofSeconds(30), 0.5), null);
        devices = new DeviceManager(store);
        List<AtomicReference<RequestHandler>> refs = new ArrayList<>();
        List<InetSocketAddress> previous = List.copyOf(servers);
        servers.clear();
        counters.clear();
        for (int i = 0; i < 2; i++) {
            AtomicReference<RequestHandler> ref = new AtomicReference<>();
            Counters c = new Counters();
            InetSocketAddress bind = previous.isEmpty() ? new InetSocketAddress("127.0.0.1", 0) : previous.get(i);
            UdpEndpoint udp = new UdpEndpoint(bind,
                    (d, from) -> ref.get() == null ? Optional.empty() : ref.get().handle(d, from), c, 4, 1024, 256);
            open.add(udp);
            servers.add(udp.localAddress());
            counters.add(c);
            refs.add(ref);
        }
        for (int i = 0; i < 2; i++) {
            ServerSettings s = new ServerSettings("node-" + i, servers.get(i), new InetSocketAddress("127.0.0.1", 4789),
                    TunnelType.VXLAN, 1400, 10, "demo", List.of());
            refs.get(i).set(new RequestHandler(s, devices::key, pools, Clock.systemUTC(), counters.get(i),
                    RequestHandler.DEFAULT_ANSWER_TTL, 1024));
        }
    }

    private void stopStack() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        open.clear();
        store.close();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : List.copyOf(open)) {
            c.close();
        }
        if (store != null) {
            store.close();
        }
        scheduler.shutdownNow();
    }

    private TunnelAgent agent(DeviceId device, byte[] key, double loss, long seed) throws IOException {
        return agent(device, key, loss, seed, scheduler);
    }

    private TunnelAgent agent(DeviceId device, byte[] key, double loss, long seed, ScheduledExecutorService agentTimers)
            throws IOException {
        MultiLinkTransport transport = new MultiLinkTransport(TransportSettings.defaults(), scheduler);
        open.add(0, transport);
        double[] rtt = {20, 40, 600};
        LinkKind[] kinds = {LinkKind.FIVE_G, LinkKind.LTE, LinkKind.SATELLITE};
        for (int i = 0; i < 3; i++) {
            EmulatedLink link = new EmulatedLink(new EmulatedLinkSettings(kinds[i].label(), kinds[i], rtt[i], 0, loss,
                    seed + i, "127.0.0.1"), scheduler);
            open.add(0, link);
            transport.addLink(link);
        }
        TunnelAgent agent = new TunnelAgent(AgentSettings.of(device, key, servers).withTimeouts(Duration.ofSeconds(3),
                Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofSeconds(1)), transport, agentTimers,
                Clock.systemUTC());
        open.add(0, agent);
        return agent;
    }

    @Test
    void establishesThroughFiftyPercentLossConfirmsAndKeepsItsAddress() throws Exception {
        DeviceCredential cred = devices.enroll(DeviceId.of("smr-e2e-1"));
        TunnelAgent agent = agent(cred.device(), cred.key(), 50, 7);
        agent.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.status().state() == State.ESTABLISHED);
        InetAddress first = agent.status().parameters().orElseThrow().innerAddress();
        assertTrue(pools.pool("demo").orElseThrow().prefix().contains(first));

        // the chosen server made the binding durable and the CONFIRM bound it
        await().atMost(Duration.ofSeconds(20)).until(agent::confirmed);
        Lease lease = store.findByDevice("demo", cred.device()).orElseThrow();
        assertEquals(first, lease.address());
        assertEquals(LeaseState.BOUND, lease.state());

        // re-establishing (release, then establish again, possibly on the other node) keeps the address
        for (int i = 0; i < 3; i++) {
            long before = agent.establishments();
            agent.reestablish();
            await().atMost(Duration.ofSeconds(20)).until(() -> agent.establishments() > before
                    && agent.status().state() == State.ESTABLISHED);
            assertEquals(first, agent.status().parameters().orElseThrow().innerAddress());
        }
    }

    @Test
    void aDeviceWithTheWrongKeyGetsNoLeaseAndNoAnswer() throws Exception {
        DeviceId device = DeviceId.of("smr-e2e-wrong-key");
        devices.enroll(device);
        byte[] wrong = new byte[32];
        wrong[0] = 1;
        TunnelAgent agent = agent(device, wrong, 0, 11);
        agent.start();
        // every copy of its request reaches a server and is dropped there as unauthentic
        await().atMost(Duration.ofSeconds(10)).until(() -> counters.stream()
                .mapToLong(c -> c.get("dropped.auth_failed")).sum() >= 6);
        assertEquals(State.ESTABLISHING, agent.status().state());
        assertTrue(store.findByDevice("demo", device).isEmpty(), "no lease for an unauthentic device");
        assertEquals(0, counters.stream().mapToLong(c -> c.get("answered.params") + c.get("answered.nak")).sum());
    }

    @Test
    void theSameDeviceGetsTheSameAddressAfterTheServersRestart() throws Exception {
        DeviceCredential cred = devices.enroll(DeviceId.of("smr-e2e-restart"));
        TunnelAgent agent = agent(cred.device(), cred.key(), 0, 3);
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(agent::confirmed);
        InetAddress before = agent.status().parameters().orElseThrow().innerAddress();
        agent.close();

        stopStack();
        startStack(); // same ports, same database

        TunnelAgent again = agent(cred.device(), devices.key(cred.device()).orElseThrow(), 0, 5);
        again.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> again.status().state() == State.ESTABLISHED);
        assertEquals(before, again.status().parameters().orElseThrow().innerAddress());
    }

    /**
     * A router's previous life ran with its clock ahead (here: one hour): the servers' replay
     * windows and the store's mark of the device are far above the numbers its sequence source
     * starts with now. Its requests are answered by resync NAKs, it continues above the mark and
     * is served, first by nodes that remember the numbers in their windows, then by restarted
     * nodes that only have the store's mark; and it keeps renewing.
     */
    @Test
    void aRouterWhoseSequenceNumbersWentBackIsReadmittedWithoutAnOperator() throws Exception {
        pools.updatePool(Pool.of("demo", "10.64.0.0/24", 60)); // renewed every 30 s, every second in time lapse
        DeviceCredential cred = devices.enroll(DeviceId.of("smr-e2e-clock"));
        TunnelAgent first = agent(cred.device(), cred.key(), 0, 17);
        first.start();
        await().atMost(Duration.ofSeconds(10)).until(first::confirmed);
        first.close();

        long ahead = nowMicros() + 3_600_000_000L;
        previousLifeRenews(cred, ahead);
        assertEquals(ahead, store.findByDevice("demo", cred.device()).orElseThrow().deviceSequence());
        readmitted(cred, ahead, 19);

        // Again with restarted nodes: their windows are empty, only the store's mark knows.
        long further = ahead + 3_600_000_000L;
        previousLifeRenews(cred, further);
        stopStack();
        startStack();
        readmitted(cred, further, 23);
    }

    /** A new agent of the device (its numbers below {@code mark}) establishes, confirms and renews. */
    private void readmitted(DeviceCredential cred, long mark, long seed) throws Exception {
        TimeLapse timers = new TimeLapse();
        open.add(0, timers::shutdownNow);
        TunnelAgent agent = agent(cred.device(), cred.key(), 0, seed, timers);
        agent.start();
        await().atMost(Duration.ofSeconds(15)).until(agent::confirmed);
        Lease bound = store.findByDevice("demo", cred.device()).orElseThrow();
        assertEquals(LeaseState.BOUND, bound.state());
        assertTrue(bound.deviceSequence() > mark, "continued above the mark");
        await().atMost(Duration.ofSeconds(15)).until(() -> store.findByDevice("demo", cred.device()).orElseThrow()
                .deviceSequence() > bound.deviceSequence() + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().state() == State.ESTABLISHED); // between renewals
        assertTrue(counters.stream().mapToLong(c -> c.get("answered.nak")).sum() >= 1, "told by a resync NAK");
        agent.close();
    }

    /** What the device sent in a life whose clock ran ahead: a RENEW numbered {@code sequence}, to every node. */
    private void previousLifeRenews(DeviceCredential cred, long sequence) throws Exception {
        Lease held = store.findByDevice("demo", cred.device()).orElseThrow();
        byte[] renew = net.dtm.protocol.Codec.encode(new net.dtm.protocol.Envelope(net.dtm.protocol.Direction.TO_SERVER,
                cred.device(), net.dtm.protocol.Transactions.newId(), sequence,
                new net.dtm.protocol.Renew("demo", held.address(), held.sequence()), 1), cred.key());
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(5000);
            for (InetSocketAddress server : servers) {
                socket.send(new java.net.DatagramPacket(renew, renew.length, server));
                java.net.DatagramPacket answer = new java.net.DatagramPacket(new byte[1500], 1500);
                socket.receive(answer);
                byte[] bytes = java.util.Arrays.copyOf(answer.getData(), answer.getLength());
                assertTrue(net.dtm.protocol.Codec.decode(bytes, cred.key()).body() instanceof net.dtm.protocol.Params);
            }
        }
    }

    private static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
