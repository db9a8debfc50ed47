package net.dtm.vendor.mikrotik;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.api.config.Transaction;
import net.dtm.config.ConfigSettings;
import net.dtm.config.ConfigurationManager;
import net.dtm.config.IntentDiff;
import net.dtm.config.Renderer;
import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/** The adapter against the emulated router over real SSH, through the core's transaction where it owns the step. */
class MikrotikLiveTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Lab lab;
    private MikrotikAdapter adapter;
    private ConfigurationManager manager;
    private final TunnelIntent vxlan = Lab.sample(TunnelType.VXLAN);

    @BeforeEach
    void start() throws Exception {
        lab = new Lab(dir);
        adapter = lab.adapter();
        manager = ConfigurationManager.create(ConfigSettings.defaults(Files.createDirectories(dir.resolve("state")))
                .withProbe(false), 2);
        manager.addAdapter(adapter, Map.of(VendorAdapter.PROP_VENDOR, MikrotikAdapter.VENDOR,
                VendorAdapter.PROP_OS_VERSIONS, MikrotikAdapter.OS_VERSIONS));
    }

    @AfterEach
    void stop() {
        manager.close();
        lab.close();
    }

    @Test
    void applyBuildsTaggedObjectsAndLeavesTheOperatorsOwnAlone() throws Exception {
        Set<String> before = lines();
        assertConfirmed(set(vxlan));
        Set<String> added = lines();
        added.removeAll(before);
        assertEquals(new TreeSet<>(List.of(
                "/interface vxlan add comment=dtm:dtmc0 local-address=192.0.2.1 mtu=1400 name=dtmc0 port=4789 vni=4711",
                "/interface vxlan vteps add interface=dtmc0 port=4789 remote-ip=198.51.100.2",
                "/ip address add address=10.220.0.1/30 comment=dtm:dtmc0 interface=dtmc0 network=10.220.0.0",
                "/ip route add comment=dtm:dtmc0 disabled=no distance=1 dst-address=10.221.0.0/16 gateway=10.220.0.2 "
                        + "routing-table=main scope=30 suppress-hw-offload=no target-scope=10")), added);
        assertTrue(lines().containsAll(before), "the operator's own objects are untouched");
        assertFalse(lab.device.safeModeHeld(), "safe mode is left once the change is confirmed");
        try (ConfigSession s = adapter.open(lab.target())) {
            assertEquals(List.of("dtmc0"), s.list("dtm"), "list names only what DTM tagged");
            assertEquals(List.of(), s.list("customer"), "the operator's untagged VXLAN is not DTM's");
        }
    }

    @Test
    void secondApplyPushesNothing() throws Exception {
        assertConfirmed(set(vxlan));
        lab.server.clearReceived();
        Transaction again = manager.apply(vxlan.name(), "test", false);
        assertEquals(Transaction.Result.NO_CHANGE, again.result(), again.detail());
        assertEquals(List.of(), lab.changesReceived());
        assertFalse(lab.server.received().isEmpty(), "the state was read");
    }

    @Test
    void greAndIpipReadBackInSyncAndATypeChangeRecreates() throws Exception {
        for (TunnelType type : List.of(TunnelType.GRE, TunnelType.IPIP, TunnelType.VXLAN)) {
            TunnelIntent intent = Lab.sample(type).withMtu(1380);
            assertConfirmed(set(intent));
            try (ConfigSession s = adapter.open(lab.target())) {
                Optional<TunnelIntent> running = s.read(intent.name(), intent.role());
                assertEquals(IntentDiff.between(running, Optional.of(intent)).lines(), List.of(), type.name());
            }
        }
        assertEquals(1, lines().stream().filter(l -> l.contains("name=dtmc0")).count(), lines().toString());
    }

    @Test
    void aLineTheDeviceRefusesRollsBackToThePreviousTunnel() throws Exception {
        assertConfirmed(set(vxlan));
        Set<String> before = lines();
        lab.device.refuseWhen(l -> l.startsWith("/ip route add"), "failure: route table is full");
        TunnelIntent more = withRoutes(vxlan.withMtu(1380), "10.221.0.0/16", "10.222.0.0/16");
        Transaction t = set(more);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().contains("failure: route table is full"), t.detail());
        assertTrue(t.restored(), t.detail());
        assertEquals(before, lines());
    }

    @Test
    void theDevicesOwnErrorIsARejection() throws Exception {
        try (ConfigSession s = adapter.open(lab.target())) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> s.apply(List.of("/interface vxlan add name=x vni=0", "/interface vxlan add name=y vni=1")));
            assertTrue(e.rejected());
            assertTrue(e.getMessage().contains("value of vni out of range (1..16777215)"), e.getMessage());
            ConfigException bad = assertThrows(ConfigException.class, () -> s.apply(List.of("/interface vxlam print")));
            assertTrue(bad.getMessage().contains("bad command name vxlam (line 1 column 12)"), bad.getMessage());
        }
        assertFalse(lines().stream().anyMatch(l -> l.contains("name=y")), "the batch stopped at the first refusal");
    }

    @Test
    void anUnconfirmedChangeIsUndoneWhenTheSessionEnds() throws Exception {
        Set<String> before = lines();
        CommitConfirmBehaviour safe = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
        ConfigSession s = adapter.open(lab.target());
        safe.arm(s, Duration.ofSeconds(60));
        assertTrue(lab.device.safeModeHeld());
        s.apply(create(vxlan));
        assertTrue(lines().stream().anyMatch(l -> l.contains("name=dtmc0")));
        s.close(); // the core died or its timer ran out: no Ctrl-X
        await().atMost(WAIT).until(() -> lines().equals(before));
        assertFalse(lab.device.safeModeHeld());
    }

    @Test
    void theCoresRevertEndsTheSessionInSafeModeAndReadsBack() throws Exception {
        assertConfirmed(set(vxlan));
        Set<String> before = lines();
        CommitConfirmBehaviour safe = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
        try (ConfigSession s = adapter.open(lab.target())) {
            safe.arm(s, Duration.ofSeconds(60));
            s.apply(new MikrotikLinkSettings().setMtu(vxlan.name(), 1300));
            assertEquals(1300, s.read(vxlan.name(), vxlan.role()).orElseThrow().mtu());
            safe.revert(s);
            await().atMost(WAIT).until(() -> lines().equals(before));
            assertEquals(1400, s.read(vxlan.name(), vxlan.role()).orElseThrow().mtu(), "the session reconnected");
        }
    }

    @Test
    void aConnectionDroppedMidApplyLeavesTheDeviceAsBefore() throws Exception {
        assertConfirmed(set(vxlan));
        Set<String> before = lines();
        lab.server.dropConnectionsWhen(l -> l.startsWith("/ip route add"));
        Transaction t = set(withRoutes(vxlan.withMtu(1300), "10.223.0.0/16"));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().contains("channel failed"), t.detail());
        await().atMost(WAIT).until(() -> lines().equals(before));
        lab.server.dropConnectionsWhen(l -> false);
        try (ConfigSession s = adapter.open(lab.target())) {
            assertEquals(1400, s.read(vxlan.name(), vxlan.role()).orElseThrow().mtu());
        }
    }

    @Test
    void aNewTunnelDroppedMidApplyLeavesNothing() throws Exception {
        Set<String> before = lines();
        lab.server.dropConnectionsWhen(l -> l.startsWith("/ip address add"));
        Transaction t = set(vxlan);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        await().atMost(WAIT).until(() -> lines().equals(before));
    }

    @Test
    void safeModeHeldByAnOperatorFallsBackToASnapshotThatStillRollsBack() throws Exception {
        assertConfirmed(set(vxlan));
        Set<String> before = lines();
        EmulatedShell operator = lab.device.openShell();
        operator.control('\u0018');
        assertTrue(operator.prompt().contains("<SAFE>"));
        lab.device.refuseWhen(l -> l.startsWith("/ip route add dst-address=10.224."), "failure: route table is full");
        Transaction t = set(withRoutes(vxlan.withMtu(1300), "10.224.0.0/16"));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.restored(), t.detail());
        assertEquals(before, lines());
        assertTrue(operator.prompt().contains("<SAFE>"), "DTM never takes safe mode from an operator");
        lab.device.refuseWhen(l -> false, "");
        assertConfirmed(set(vxlan.withMtu(1300)));
        assertTrue(operator.prompt().contains("<SAFE>"));
    }

    @Test
    void identityChangesBetweenAndDuringSessions() throws Exception {
        lab.device.identity("bus 4711 of the northern fleet, roof router, second generation, long name");
        assertConfirmed(set(vxlan));
        try (ConfigSession s = adapter.open(lab.target())) {
            s.read(vxlan.name(), vxlan.role());
            lab.device.identity("renamed-while-we-work");
            CommitConfirmBehaviour safe = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
            safe.arm(s, Duration.ofSeconds(60));
            s.apply(new MikrotikLinkSettings().setMtu(vxlan.name(), 1300));
            s.apply(List.of("/system identity set name=\"changed by DTM's own line\""));
            safe.confirm(s);
            assertEquals(1300, s.read(vxlan.name(), vxlan.role()).orElseThrow().mtu());
        }
        assertFalse(lab.device.safeModeHeld());
        assertEquals("changed by DTM's own line", lab.device.identity());
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        try (ConfigSession s = adapter.open(lab.target())) {
            s.list("dtm"); // pins the key
        }
        try (DeviceEmulatorServer replaced = DeviceEmulatorServer.start(lab.device, "admin" + MikrotikAdapter.DEFAULT_LOGIN_SUFFIX,
                Lab.PASSWORD, dir.resolve("other-host-key"))) {
            Path knownHosts = dir.resolve("known_hosts");
            Files.writeString(knownHosts, Files.readString(knownHosts)
                    .replace("]:" + lab.server.port() + " ", "]:" + replaced.port() + " "));
            DeviceTarget t = lab.target();
            DeviceTarget moved = new DeviceTarget(t.vendor(), t.model(), t.osVersion(), t.host(), replaced.port(),
                    t.username(), t.secretFile(), t.options());
            ConfigException e = assertThrows(ConfigException.class, () -> adapter.open(moved));
            assertFalse(e.rejected());
            assertTrue(e.getMessage().contains("host key"), e.getMessage());
            assertFalse(e.getMessage().contains(Lab.PASSWORD));
            assertEquals(List.of(), replaced.received(), "nothing was sent to a device with another key");
        }
    }

    @Test
    void unknownOptionsAndLocalTargetsAreRefused() {
        DeviceTarget t = lab.target();
        ConfigException e = assertThrows(ConfigException.class, () -> adapter.open(new DeviceTarget(t.vendor(), t.model(),
                t.osVersion(), t.host(), t.port(), t.username(), t.secretFile(), Map.of("netns", "x"))));
        assertTrue(e.getMessage().contains("netns"));
        assertThrows(ConfigException.class, () -> adapter.open(DeviceTarget.local("mikrotik")));
    }

    @Test
    void checkNamesALocalAddressTheRouterDoesNotHave() throws Exception {
        try (ConfigSession s = adapter.open(lab.target())) {
            assertEquals(List.of(), s.check(vxlan));
            List<String> problems = s.check(vxlan.withLocalOuter(Lab.ip("192.0.2.99")));
            assertEquals(1, problems.size());
            assertTrue(problems.get(0).contains("192.0.2.99"), problems.get(0));
        }
        DeviceTarget t = lab.target();
        DeviceTarget old = new DeviceTarget(t.vendor(), t.model(), "7.5", t.host(), t.port(), t.username(), t.secretFile(),
                t.options());
        TunnelIntent v6 = vxlan.withLocalOuter(Lab.ip("2001:db8::1"))
                .withRemoteOuter(new java.net.InetSocketAddress(Lab.ip("2001:db8:9::2"), 4789));
        try (ConfigSession s = adapter.open(old)) {
            List<String> problems = s.check(v6);
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).contains("7.6 or later"), problems.get(0));
        }
    }

    @Test
    void ipv6OuterAndInnerReadBackInSync() throws Exception {
        TunnelIntent v6 = new TunnelIntent("dtmc6", TunnelIntent.Role.GATEWAY, TunnelType.VXLAN, Lab.ip("2001:db8::1"),
                new java.net.InetSocketAddress(Lab.ip("2001:db8:9::2"), 4789), 77, Lab.ip("fd00:220::1"), 64,
                Lab.ip("fd00:220::2"), List.of(Cidr.parse("fd00:221::/48")), 1380, Optional.empty(), 0);
        assertConfirmed(set(v6));
        assertTrue(lines().contains("/interface vxlan add comment=dtm:dtmc6 local-address=2001:db8::1 mtu=1380 name=dtmc6 "
                + "port=4789 vni=77 vteps-ip-version=ipv6"), lines().toString());
        try (ConfigSession s = adapter.open(lab.target())) {
            Optional<TunnelIntent> running = s.read(v6.name(), v6.role());
            assertEquals(List.of(), IntentDiff.between(running, Optional.of(v6)).lines());
            assertEquals(TunnelIntent.Role.GATEWAY, running.orElseThrow().role());
        }
    }

    @Test
    void aHalfBuiltVxlanIsRepairedByTheNextApply() throws Exception {
        assertConfirmed(set(vxlan));
        EmulatedShell operator = lab.device.openShell();
        assertEquals("", operator.line("/interface vxlan vteps remove [find where interface=dtmc0]"));
        assertEquals("", operator.line("/interface vxlan set [find where name=dtmc0] port=8472"));
        try (ConfigSession s = adapter.open(lab.target())) {
            assertEquals(0, s.read(vxlan.name(), vxlan.role()).orElseThrow().remoteOuter().getPort());
        }
        Transaction t = manager.apply(vxlan.name(), "test", false);
        assertConfirmed(t);
        assertTrue(t.diff().get(0).startsWith("remote outer"), t.diff().toString());
        assertTrue(lines().contains("/interface vxlan vteps add interface=dtmc0 port=4789 remote-ip=198.51.100.2"),
                lines().toString());
    }

    @Test
    void probePingsThePeerThroughTheTunnel() throws Exception {
        assertConfirmed(set(vxlan));
        try (ConfigSession s = adapter.open(lab.target())) {
            assertTrue(s.probe(vxlan, Duration.ofSeconds(2)));
            TunnelIntent elsewhere = new TunnelIntent(vxlan.name(), vxlan.role(), vxlan.type(), vxlan.localOuter(),
                    vxlan.remoteOuter(), vxlan.key(), vxlan.innerAddress(), vxlan.prefixLength(), Lab.ip("10.99.0.2"),
                    vxlan.routes(), vxlan.mtu(), Optional.empty(), 0);
            assertFalse(s.probe(elsewhere, Duration.ofSeconds(1)));
        }
    }

    @Test
    void safeModeTakenOverBeforeTheConfirmationRollsBack() throws Exception {
        assertConfirmed(set(vxlan));
        Set<String> before = lines();
        CommitConfirmBehaviour safe = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
        try (ConfigSession s = adapter.open(lab.target())) {
            safe.arm(s, Duration.ofSeconds(60));
            s.apply(new MikrotikLinkSettings().setMtu(vxlan.name(), 1300));
            EmulatedShell operator = lab.device.openShell();
            operator.control('\u0018');
            assertEquals("[Safe Mode taken]", operator.line("r"), "the operator keeps DTM's change in their safe mode");
            ConfigException e = assertThrows(ConfigException.class, () -> safe.confirm(s));
            assertTrue(e.getMessage().contains("took safe mode over"), e.getMessage());
            operator.line("/quit");
            lab.device.sessionEnded(operator);
        }
        assertFalse(lines().equals(before), "the operator's /quit kept the change; the core rolls back from here");
    }

    @Test
    void aChangeConfirmedUnderAnOperatorsSafeModeIsUndoneWithTheirSession() throws Exception {
        // Documents RouterOS's rule the snapshot fallback cannot escape: changes made while another
        // session holds safe mode are undone with that session's.
        Set<String> before = lines();
        EmulatedShell operator = lab.device.openShell();
        operator.control('\u0018');
        assertConfirmed(set(vxlan));
        assertFalse(lines().equals(before));
        lab.device.sessionEnded(operator);
        assertEquals(before, lines());
    }

    @Test
    void aLineThatMakesRouterOsAskForAValueFailsTheChannelNotTheWait() throws Exception {
        DeviceTarget t = lab.target();
        DeviceTarget quick = new DeviceTarget(t.vendor(), t.model(), t.osVersion(), t.host(), t.port(), t.username(),
                t.secretFile(), Map.of(MikrotikAdapter.OPTION_TIMEOUT, "1"));
        try (ConfigSession s = adapter.open(quick)) {
            ConfigException e = assertThrows(ConfigException.class, () -> s.apply(List.of("/interface vxlan add name=x")));
            assertFalse(e.rejected(), "the device waits at 'vni: ', which is no prompt DTM knows");
            assertTrue(e.getMessage().contains("vni:"), e.getMessage());
        }
    }

    @Test
    void noConfirmationInTimeRollsBackThroughSafeMode() throws Exception {
        try (ConfigurationManager holding = ConfigurationManager.create(ConfigSettings.defaults(
                Files.createDirectories(dir.resolve("holding"))).withProbe(false)
                .withTimeouts(Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofSeconds(1)), 2)) {
            holding.addAdapter(adapter, Map.of(VendorAdapter.PROP_VENDOR, MikrotikAdapter.VENDOR));
            assertConfirmed(holding.setIntent(vxlan.name(), vxlan.role(), "bus-4711", lab.target(), Optional.of(vxlan),
                    "test").get(WAIT.toSeconds(), TimeUnit.SECONDS));
            EmulatedShell operator = lab.device.openShell();
            assertEquals("", operator.line("/interface set [find where name=dtmc0] mtu=1300"));
            Set<String> before = lines();
            Transaction pending = holding.apply(vxlan.name(), "operator", true);
            assertEquals(Transaction.Result.PENDING_CONFIRM, pending.result(), pending.detail());
            assertTrue(lab.device.safeModeHeld(), "the change waits in safe mode");
            assertTrue(lines().stream().anyMatch(l -> l.contains("mtu=1400 name=dtmc0")));
            await().atMost(WAIT).until(() -> !lab.device.safeModeHeld() && lines().equals(before));
            Transaction last = holding.history(vxlan.name()).get(holding.history(vxlan.name()).size() - 1);
            await().atMost(WAIT).until(() -> holding.history(vxlan.name()).stream()
                    .anyMatch(h -> h.result() == Transaction.Result.ROLLED_BACK && h.restored()));
            assertTrue(last.number() > 0);
        }
    }

    @Test
    void anOperatorsInterfaceOfTheSameNameIsNeverTakenOver() throws Exception {
        Set<String> before = lines();
        Transaction t = set(Lab.sample("customer-vx", TunnelType.VXLAN));
        assertEquals(Transaction.Result.REFUSED, t.result(), t.detail());
        assertTrue(t.detail().contains("not built by DTM"), t.detail());
        assertEquals(before, lines());
    }

    // ------------------------------------------------------------------ helpers

    private Transaction set(TunnelIntent intent) throws Exception {
        return manager.setIntent(intent.name(), intent.role(), "bus-4711", lab.target(), Optional.of(intent), "test")
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void assertConfirmed(Transaction t) {
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
    }

    private Set<String> lines() {
        return new TreeSet<>(lab.device.config().lines().filter(l -> !l.isBlank()).toList());
    }

    private List<String> create(TunnelIntent intent) {
        return new Renderer(adapter).render(Optional.of(intent), Optional.empty(),
                IntentDiff.between(Optional.empty(), Optional.of(intent)));
    }

    private static TunnelIntent withRoutes(TunnelIntent i, String... prefixes) {
        List<Cidr> routes = new ArrayList<>();
        for (String p : prefixes) {
            routes.add(Cidr.parse(p));
        }
        return new TunnelIntent(i.name(), i.role(), i.type(), i.localOuter(), i.remoteOuter(), i.key(), i.innerAddress(),
                i.prefixLength(), i.peerInner(), routes, i.mtu(), i.wireGuard(), i.persistentKeepaliveSeconds());
    }
}
