package net.dtm.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentService;
import net.dtm.api.Pool;
import net.dtm.api.TunnelStatus.State;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;
import net.dtm.pool.PoolManager;
import net.dtm.pool.PoolSettings;
import net.dtm.server.internal.DeviceManager;
import net.dtm.server.internal.EnrolmentManager;
import net.dtm.server.node.ServerNode;
import net.dtm.spi.link.LinkKind;
import net.dtm.store.derby.DerbyStore;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/**
 * Zero-touch enrolment with nothing faked: a real server node over Derby with an enrolment key;
 * an agent holding only the token and the server list enrols and establishes over three lossy
 * links; then the operator re-keys the device (with or without overlap), and the agent, refused until
 * the operator allows re-enrolment, fetches its new key by itself (the grant sealed under the key it
 * holds) and renews.
 */
class EnrolmentEndToEndTest {

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        scheduler.shutdownNow();
    }

    private <T extends AutoCloseable> T later(T c) {
        open.add(0, c);
        return c;
    }

    /** @param overlap seconds the old key stays accepted after the re-key (0: not at all) */
    @ParameterizedTest(name = "re-key overlap {0} s")
    @ValueSource(longs = {0, 3})
    void aRouterWithOnlyATokenEnrolsEstablishesAndReenrolsAfterAReKey(long overlap) throws Exception {
        DerbyStore derby = later(new DerbyStore(dir.resolve("derby")));
        DeviceManager devices = later(new DeviceManager(derby));
        PoolManager pools = new PoolManager(derby, "node-e", Clock.systemUTC(), PoolSettings.of(Duration.ofSeconds(30), 0.5),
                null);
        pools.createPool(Pool.of("buses", "10.80.0.0/24", 60)); // renewed every 30 s, every second in time lapse
        EnrolmentService operator = new EnrolmentManager(derby.enrolmentKeys(), pools, Clock.systemUTC());
        String token = operator.create("depot north", "bus-*", "buses", 1, Duration.ofDays(1)).token();
        ServerNode node = later(ServerNode.start(ServerNode.Config.defaults().toBuilder().nodeId("node-e")
                .bind(new InetSocketAddress("127.0.0.1", 0)).workers(2, 64, 16).defaultPool("demo").build(), pools,
                devices, null, new ServerNode.Enrolment(derby.enrolmentKeys(), null)));

        // The router out of the box: its token file, its servers, three lossy links, nothing else.
        DeviceId id = DeviceId.of("bus-0042");
        Path etc = dir.resolve("etc");
        Files.createDirectories(etc);
        Path tokenFile = etc.resolve("dtm-enrol.token");
        Files.writeString(tokenFile, token + "\n");
        Path credential = etc.resolve("dtm-keys/bus-0042.key");
        Path routerKey = etc.resolve("dtm-router.key");
        MultiLinkTransport transport = later(new MultiLinkTransport(TransportSettings.defaults(), scheduler));
        double[] rtt = {20, 40, 600};
        LinkKind[] kinds = {LinkKind.FIVE_G, LinkKind.LTE, LinkKind.SATELLITE};
        for (int i = 0; i < 3; i++) {
            EmulatedLink link = later(new EmulatedLink(new EmulatedLinkSettings(kinds[i].label(), kinds[i], rtt[i], 0, 50,
                    31 + i, "127.0.0.1"), scheduler));
            transport.addLink(link);
        }
        TimeLapse timers = new TimeLapse();
        open.add(timers::shutdownNow);
        AtomicReference<TunnelAgent> agent = new AtomicReference<>();
        List<InetSocketAddress> servers = List.of(node.localAddress());
        AgentLauncher launcher = later(new AgentLauncher(id, new AgentLauncher.Paths(credential, tokenFile, routerKey), "",
                () -> servers, transport, timers, new Enroller.Timing(Duration.ofSeconds(2), Duration.ofMillis(100),
                        Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofMillis(100), (key, pool) -> {
                    TunnelAgent a = later(new TunnelAgent(AgentSettings.of(id, key, servers).withPool(pool)
                            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMillis(100),
                                    Duration.ofSeconds(1)), transport, timers, Clock.systemUTC()));
                    agent.set(a);
                    a.start();
                    return a;
                }));
        launcher.launch();

        await().atMost(Duration.ofSeconds(40)).until(() -> agent.get() != null && agent.get().confirmed());
        DeviceCredential enrolled = derby.find(id).orElseThrow();
        assertArrayEquals(enrolled.key(), CredentialFile.read(credential).key(), "the granted key, written");
        assertEquals("buses", CredentialFile.read(credential).pool());
        assertArrayEquals(RouterKeyFile.loadOrCreate(routerKey).publicKey(), enrolled.routerKey(), "enrolled by this router");
        assertEquals("rw-------", EnrolmentFilesTest.mode(credential));
        assertEquals("rw-------", EnrolmentFilesTest.mode(routerKey));
        InetAddress address = agent.get().status().parameters().orElseThrow().innerAddress();
        assertTrue(pools.pool("buses").orElseThrow().prefix().contains(address), "a lease from the key's pool");
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(tokenFile)); // single use: used up
        assertEquals(1, operator.keys().get(0).uses());

        // The operator re-keys the device: the old key gets no answer (after the overlap); a key fetch is refused
        // until allowed, then granted under the old key, the one the router holds
        devices.rekey(id, Duration.ofSeconds(overlap));
        await().atMost(Duration.ofSeconds(40)).until(() -> refusals(node) >= 1);
        assertArrayEquals(enrolled.key(), CredentialFile.read(credential).key(), "a refusal changes nothing");

        devices.allowReenrolment(id, Duration.ofHours(1));
        byte[] newKey = derby.find(id).orElseThrow().key();
        assertFalse(Arrays.equals(newKey, enrolled.key()));
        await().atMost(Duration.ofSeconds(40)).until(() -> Arrays.equals(newKey, CredentialFile.read(credential).key()));
        Instant fetched = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.get().status().state() == State.ESTABLISHED
                && agent.get().status().expiresAt().orElseThrow().isAfter(fetched.plusSeconds(50)));
        assertEquals(address, agent.get().status().parameters().orElseThrow().innerAddress(), "the same address");
        assertArrayEquals(newKey, derby.find(id).orElseThrow().key(), "a key fetch writes nothing");
        assertEquals(1, operator.keys().get(0).uses(), "a key fetch uses no enrolment key");
        assertEquals(1, node.counters().getOrDefault("enrol.granted", 0L), node.counters().toString());
        assertTrue(node.counters().getOrDefault("enrol.fetched", 0L) >= 1, "fetched by a key fetch: " + node.counters());
    }

    private static long refusals(ServerNode node) {
        return node.counters().entrySet().stream().filter(e -> e.getKey().startsWith("enrol.refused"))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
