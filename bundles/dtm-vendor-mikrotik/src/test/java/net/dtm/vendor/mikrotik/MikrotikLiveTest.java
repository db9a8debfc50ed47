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
                "/interface vxlan add comment=dtm:dtmc0 local-address=192.0.2.1 mtu=1400 name=dtmc0 vni=4711",
                "/interface vxlan vteps add interface=dtmc0 remote-ip=198.51.100.2",
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
    void safeModeHeldByAnotherSessionIsRefusedAndNothingChanges() throws Exception {
        // RouterOS undoes every change made while another session holds safe mode when that session
        // reverts or drops, so a change DTM confirmed then would vanish unseen: DTM waits instead.
        assertConfirmed(set(vxlan));
        Set<String> before = lines();
        EmulatedShell operator = lab.device.openShell();
        operator.control('\u0018');
        assertTrue(operator.prompt().contains("<SAFE>"));
        lab.server.clearReceived();
        Transaction t = set(vxlan.withMtu(1300));
        assertEquals(Transaction.Result.FAILED, t.result(), t.detail());
        assertTrue(t.detail().contains("another session holds safe mode on " + lab.server.host()
                + ":" + lab.server.port() + "; DTM changes nothing until it is released"), t.detail());
        assertEquals(List.of(), lab.changesReceived());
        assertEquals(before, lines());
        assertTrue(operator.prompt().contains("<SAFE>"), "DTM never takes safe mode from an operator");
        try (ConfigSession s = adapter.open(lab.target())) {
            CommitConfirmBehaviour safe = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
            ConfigException e = assertThrows(ConfigException.class, () -> safe.arm(s, Duration.ofSeconds(60)));
            assertFalse(e.rejected(), "a retry once the operator is done can succeed");
        }
        lab.device.sessionEnded(operator); // the operator's session drops: RouterOS unrolls it
        assertEquals(before, lines(), "nothing of DTM's was caught in the operator's unroll");
        assertConfirmed(set(vxlan.withMtu(1300)));
        assertFalse(lab.device.safeModeHeld());
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
    }

    @Test
    void checkRefusesAReleaseBefore77ReadFromTheRouterItself() throws Exception {
        // the target says 7.16.1 (the core picks the adapter by it), the router runs 7.6: the router wins
        lab.device.version("7.6");
        Set<String> before = lines();
        try (ConfigSession s = adapter.open(lab.target())) {
            for (TunnelType type : List.of(TunnelType.VXLAN, TunnelType.GRE)) {
                List<String> problems = s.check(Lab.sample(type));
                assertEquals(1, problems.size(), problems.toString());
                assertTrue(problems.get(0).contains("runs RouterOS 7.6") && problems.get(0).contains("7.7 or later"),
                        problems.get(0));
            }
        }
        Transaction t = set(vxlan);
        assertEquals(Transaction.Result.REFUSED, t.result(), t.detail());
        assertEquals(before, lines());
        lab.device.version("7.7");
        try (ConfigSession s = adapter.open(lab.target())) {
            assertEquals(List.of(), s.check(vxlan));
        }
    }

    @Test
    void checkChangesNothingAndTakesNoSafeMode() throws Exception {
        try (ConfigSession s = adapter.open(lab.target())) {
            lab.server.clearReceived();
            s.check(vxlan);
            s.check(vxlan.withLocalOuter(Lab.ip("192.0.2.99")));
        }
        assertEquals(List.of(), lab.changesReceived());
        assertFalse(lab.server.received().stream().anyMatch(l -> l.contains("\u0018")), lab.server.received().toString());
        assertFalse(lab.device.safeModeHeld());
    }

    @Test
    void aDynamicAddressLikeACellularUplinksIsALocalOuter() throws Exception {
        lab.device.dynamicAddress("203.0.113.7/24", "ether1");
        lab.device.dynamicAddress("2001:db8:77::7/64", "ether1");
        TunnelIntent cellular = vxlan.withLocalOuter(Lab.ip("203.0.113.7"));
        try (ConfigSession s = adapter.open(lab.target())) {
            assertEquals(List.of(), s.check(cellular));
            assertEquals(List.of(), s.check(cellular.withLocalOuter(Lab.ip("2001:db8:77::7"))
                    .withRemoteOuter(new java.net.InetSocketAddress(Lab.ip("2001:db8:9::2"), 4789))));
            assertEquals(1, s.check(cellular.withLocalOuter(Lab.ip("203.0.113.8"))).size());
        }
        assertConfirmed(set(cellular));
    }

    @Test
    void theVxlanPortReadsBackWhateverTheReleasesDefault() throws Exception {
        for (int dflt : List.of(4789, 8472)) {
            lab.device.vxlanDefaultPort(dflt);
            TunnelIntent atDefault = vxlan.withRemoteOuter(new java.net.InetSocketAddress(Lab.ip("198.51.100.2"), dflt));
            assertConfirmed(set(atDefault));
            assertFalse(lines().stream().anyMatch(l -> l.contains(" port=")), "export leaves the default out: " + lines());
            assertEquals(Transaction.Result.NO_CHANGE, manager.apply(vxlan.name(), "test", false).result());
            try (ConfigSession s = adapter.open(lab.target())) {
                assertEquals(dflt, s.read(vxlan.name(), vxlan.role()).orElseThrow().remoteOuter().getPort());
            }
        }
        TunnelIntent other = vxlan.withRemoteOuter(new java.net.InetSocketAddress(Lab.ip("198.51.100.2"), 4790));
        assertConfirmed(set(other));
        assertTrue(lines().stream().anyMatch(l -> l.startsWith("/interface vxlan add ") && l.contains(" port=4790 ")),
                lines().toString());
        assertEquals(Transaction.Result.NO_CHANGE, manager.apply(vxlan.name(), "test", false).result());
    }

    @Test
    void aCommandTimeoutOutside1To600SecondsIsRefused() {
        DeviceTarget t = lab.target();
        for (String bad : List.of("0", "-5", "601", "x")) {
            ConfigException e = assertThrows(ConfigException.class, () -> adapter.open(new DeviceTarget(t.vendor(),
                    t.model(), t.osVersion(), t.host(), t.port(), t.username(), t.secretFile(),
                    Map.of(MikrotikAdapter.OPTION_TIMEOUT, bad))), bad);
            assertFalse(e.rejected());
            assertTrue(e.getMessage().contains("1..600") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void ipv6OuterAndInnerReadBackInSync() throws Exception {
        TunnelIntent v6 = new TunnelIntent("dtmc6", TunnelIntent.Role.GATEWAY, TunnelType.VXLAN, Lab.ip("2001:db8::1"),
                new java.net.InetSocketAddress(Lab.ip("2001:db8:9::2"), 4789), 77, Lab.ip("fd00:220::1"), 64,
                Lab.ip("fd00:220::2"), List.of(Cidr.parse("fd00:221::/48")), 1380, Optional.empty(), 0);
        assertConfirmed(set(v6));
        assertTrue(lines().contains("/interface vxlan add comment=dtm:dtmc6 local-address=2001:db8::1 mtu=1380 name=dtmc6 "
                + "vni=77 vteps-ip-version=ipv6"), lines().toString());
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
        assertTrue(lines().contains("/interface vxlan vteps add interface=dtmc0 remote-ip=198.51.100.2"),
                lines().toString());
        assertTrue(lines().contains("/interface vxlan add comment=dtm:dtmc0 local-address=192.0.2.1 mtu=1400 name=dtmc0 "
                + "vni=4711"), "the port is back at 4789: " + lines());
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
