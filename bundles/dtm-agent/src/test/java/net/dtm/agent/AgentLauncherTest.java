package net.dtm.agent;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelStatus.State;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.Establish;
import net.dtm.protocol.MessageType;
import net.dtm.transport.MultiLinkTransport;

/**
 * Start-up with enrolment (the launcher with a fake server built from EnrolCodec, on loopback):
 * enrol, write the credential, establish in the same start; token deletion; bad files; re-enrolment
 * after a re-key.
 */
class AgentLauncherTest {

    static final byte[] NEW_KEY = new byte[32];

    static {
        Arrays.fill(NEW_KEY, (byte) 9);
    }

    @TempDir
    Path dir;

    private final EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
    private final AtomicReference<TunnelAgent> agent = new AtomicReference<>();
    private final AtomicInteger starts = new AtomicInteger();
    private AgentRig rig;
    private ScheduledExecutorService ses;
    private MultiLinkTransport transport;
    private FakeServer server;
    private Path credential;
    private Path tokenFile;
    private Path routerKey;

    @BeforeEach
    void setUp() throws IOException {
        rig = new AgentRig();
        ses = rig.ses;
        transport = rig.transport;
        server = rig.server(TunnelAgentTest.KEY, "node-a");
        server.replyKey = token.replyKey();
        rig.link("lte", 10, 0, 1);
        credential = dir.resolve("dtm-keys/bus-0042.key");
        tokenFile = dir.resolve("dtm-enrol.token");
        routerKey = dir.resolve("dtm-router.key");
    }

    @AfterEach
    void tearDown() throws Exception {
        rig.close();
    }

    private void writeToken() throws IOException {
        Files.writeString(tokenFile, token.token() + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    }

    private AgentLauncher launcher(boolean withToken) {
        AgentLauncher l = new AgentLauncher(EnrollerTest.DEVICE,
                new AgentLauncher.Paths(credential, withToken ? tokenFile : null, routerKey), "",
                () -> List.of(server.address()), transport, ses, EnrollerTest.FAST, Duration.ofMillis(50),
                (key, pool) -> {
                    TunnelAgent a = new TunnelAgent(AgentSettings.of(EnrollerTest.DEVICE, key, List.of(server.address()))
                            .withPool(pool).withTimeouts(Duration.ofMillis(300), Duration.ofMillis(500),
                                    Duration.ofMillis(50), Duration.ofMillis(200)), transport, ses, Clock.systemUTC());
                    rig.closeLater(a);
                    starts.incrementAndGet();
                    agent.set(a);
                    a.start();
                    return a;
                });
        rig.closeLater(l);
        return l;
    }

    private boolean established() {
        TunnelAgent a = agent.get();
        return a != null && a.status().state() == State.ESTABLISHED;
    }

    private String establishedPool() {
        return server.bodies.stream().filter(e -> e.type() == MessageType.ESTABLISH)
                .map(e -> ((Establish) e.body()).pool()).findFirst().orElseThrow();
    }

    @Test
    void enrolsWritesTheCredentialAndEstablishesInTheSameStart() throws Exception {
        writeToken();
        server.enrol = r -> EnrolReply.granted(TunnelAgentTest.KEY, "buses", false);
        launcher(true).launch();
        await().atMost(Duration.ofSeconds(10)).until(this::established);
        assertEquals(HexFormat.of().formatHex(TunnelAgentTest.KEY) + "\npool=buses\nenrolled=router\n",
                Files.readString(credential));
        assertEquals("rw-------", EnrolmentFilesTest.mode(credential));
        assertEquals("rw-------", EnrolmentFilesTest.mode(routerKey));
        assertArrayEquals(RouterKeyFile.loadOrCreate(routerKey).publicKey(), server.enrols.get(0).routerKey());
        assertEquals("buses", establishedPool(), "asks for the pool the enrolment named");
        assertTrue(Files.exists(tokenFile), "a token whose key is not used up is kept");
        assertEquals(1, starts.get());
    }

    @Test
    void aUsedUpTokenIsDeletedOnlyAfterTheTunnelIsEstablished() throws Exception {
        writeToken();
        server.serving = false;
        server.enrol = r -> EnrolReply.granted(TunnelAgentTest.KEY, "", true);
        launcher(true).launch();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(credential) && agent.get() != null);
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.get().lastFailure().isPresent()); // ESTABLISH unanswered
        assertTrue(Files.exists(tokenFile), "kept until the tunnel is up");
        server.serving = true;
        await().atMost(Duration.ofSeconds(10)).until(this::established);
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(tokenFile));
        assertTrue(Files.exists(credential));
    }

    @Test
    void aCredentialThatCannotBeWrittenIsUsedAndTheTokenKept() throws Exception {
        writeToken();
        Files.writeString(credential.getParent().getParent().resolve("dtm-keys"), "a file where the folder should be");
        server.enrol = r -> EnrolReply.granted(TunnelAgentTest.KEY, "", true);
        launcher(true).launch();
        await().atMost(Duration.ofSeconds(10)).until(() -> established() && agent.get().confirmed());
        assertFalse(Files.isDirectory(credential.getParent()));
        assertTrue(Files.exists(tokenFile), "kept: the next start must enrol again");
    }

    @Test
    void anExistingCredentialFileIsUsedWithoutEnrolling() throws Exception {
        writeToken();
        Files.createDirectories(credential.getParent());
        Files.writeString(credential, HexFormat.of().formatHex(TunnelAgentTest.KEY) + "\n"); // an operator's file
        server.enrol = r -> EnrolReply.refused();
        launcher(true).launch();
        await().atMost(Duration.ofSeconds(10)).until(this::established);
        assertTrue(server.enrols.isEmpty());
        assertEquals("", establishedPool());
    }

    @Test
    void aCorruptRouterKeyFileStopsTheStartAndIsLeftAsItIs() throws Exception {
        writeToken();
        Files.writeString(routerKey, "garbage\n");
        server.enrol = r -> EnrolReply.granted(TunnelAgentTest.KEY, "", true);
        launcher(true).launch();
        assertNull(agent.get());
        assertEquals("garbage\n", Files.readString(routerKey));
        assertFalse(Files.exists(credential));
        assertTrue(server.enrols.isEmpty() && transport.stats().get(0).datagramsSent() == 0, "nothing sent");
    }

    @Test
    void aMalformedOrMissingTokenIsWatchedUntilItIsRight() throws Exception {
        server.enrol = r -> EnrolReply.granted(TunnelAgentTest.KEY, "", false);
        launcher(true).launch();
        Files.writeString(tokenFile, "dtmek1-" + token.id() + "-tooshort\n");
        await().atMost(Duration.ofSeconds(2)).until(() -> EnrolmentFilesTest.mode(tokenFile).equals("rw-------"));
        assertTrue(server.enrols.isEmpty() && agent.get() == null);
        Files.writeString(tokenFile, token.token() + "\n");
        await().atMost(Duration.ofSeconds(10)).until(this::established);
        assertEquals(token.id(), server.enrols.get(0).keyId());
    }

    @Test
    void withoutATokenFileConfiguredAMissingKeyFileIsWatchedAsBefore() throws Exception {
        server.enrol = r -> EnrolReply.granted(TunnelAgentTest.KEY, "", false);
        writeToken(); // there, but not configured
        launcher(false).launch();
        assertNull(agent.get());
        Files.createDirectories(credential.getParent());
        Files.writeString(credential, HexFormat.of().formatHex(TunnelAgentTest.KEY));
        await().atMost(Duration.ofSeconds(10)).until(this::established);
        assertTrue(server.enrols.isEmpty());
        assertFalse(Files.exists(routerKey), "no router key without enrolment");
    }

    @Test
    void reenrolsWithAKeyFetchAfterAReKeyAndKeepsItsAddress() throws Exception {
        reenrolsAfterAReKey(true);
    }

    @Test
    void reenrolsWithTheTokenWhileItsFileIsThere() throws Exception {
        reenrolsAfterAReKey(false);
    }

    private void reenrolsAfterAReKey(boolean usedUp) throws Exception {
        writeToken();
        server.leaseSeconds = 2; // renewed every second
        server.enrol = r -> EnrolReply.granted(TunnelAgentTest.KEY, "buses", usedUp);
        launcher(true).launch();
        await().atMost(Duration.ofSeconds(10)).until(() -> established() && agent.get().confirmed());
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(tokenFile) != usedUp);
        InetAddress address = agent.get().status().parameters().orElseThrow().innerAddress();
        int enrolsBefore = server.enrols.size();

        // the operator re-keys the device (and allows re-enrolment): the old key gets no answer any more
        server.enrol = r -> (r.keyFetch() == usedUp) ? EnrolReply.granted(NEW_KEY, "buses", false) : EnrolReply.refused();
        server.rekey(NEW_KEY);
        await().atMost(Duration.ofSeconds(15)).until(() -> Arrays.equals(NEW_KEY, CredentialFile.read(credential).key()));
        await().atMost(Duration.ofSeconds(10)).until(() -> established()
                && agent.get().status().expiresAt().orElseThrow().isAfter(java.time.Instant.now().plusMillis(1500)));
        assertEquals(address, agent.get().status().parameters().orElseThrow().innerAddress());
        assertEquals(1, starts.get(), "the same agent, its key swapped");
        assertEquals("rw-------", EnrolmentFilesTest.mode(credential));
        assertTrue(CredentialFile.read(credential).enrolled());
        var reenrol = server.enrols.get(enrolsBefore);
        assertEquals(usedUp, reenrol.keyFetch());
        assertEquals(0, server.badSignatures.get());
    }
}
