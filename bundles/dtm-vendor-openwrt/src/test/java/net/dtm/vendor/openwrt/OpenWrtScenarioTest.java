package net.dtm.vendor.openwrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.config.Transaction;
import net.dtm.config.ConfigSettings;
import net.dtm.config.ConfigurationManager;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;

/**
 * The safe transaction against the emulated router over SSH: what a change leaves on the device, and
 * that the device is as before after every way a change can fail (refused, not confirmed, reboot
 * inside the window, dropped connection), plus host key pinning and shell quoting.
 */
class OpenWrtScenarioTest {

    @TempDir
    Path dir;

    private OpenWrtLab lab;
    private ConfigurationManager manager;
    private String initial;

    @BeforeEach
    void start() throws Exception {
        lab = new OpenWrtLab(dir);
        manager = ConfigurationManager.create(ConfigSettings.defaults(dir.resolve("state")).withProbe(false)
                .withOperatorTimeout(Duration.ofSeconds(30)), 2);
        manager.addAdapter(lab.adapter, java.util.Map.of(VendorAdapter.PROP_VENDOR, OpenWrtAdapter.VENDOR,
                VendorAdapter.PROP_OS_VERSIONS, OpenWrtAdapter.OS_VERSIONS));
        initial = lab.device.committedNetwork();
    }

    @AfterEach
    void stop() {
        manager.close();
        lab.close();
        assertEquals(List.of(), lab.device.injections(), "a command reached the shell with a metacharacter");
    }

    private Transaction set(TunnelIntent intent) throws Exception {
        return manager.setIntent(intent.name(), intent.role(), "router-7", lab.target(), Optional.of(intent), "test")
                .get(30, TimeUnit.SECONDS);
    }

    private Optional<TunnelIntent> read(TunnelIntent like) throws ConfigException {
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            return s.read(like.name(), like.role());
        }
    }

    private void assertNothingPending() {
        assertFalse(lab.device.rollbackPending(), "rpcd still waits for a confirmation");
        assertEquals("", lab.device.stagedByDefault());
    }

    // ------------------------------------------------------------------ apply

    @Test
    void applyBuildsTheTunnelAndLeavesNothingArmed() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        Transaction t = set(sample);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        String file = lab.device.committedNetwork();
        assertTrue(file.contains("config interface 'dtm0'\n\toption dtm_owner '1'\n\toption proto 'vxlan'\n\toption ipaddr '192.0.2.10'\n"
                + "\toption peeraddr '198.51.100.1'\n\toption port '4789'\n\toption vid '4242'\n\toption zone 'lan'\n\toption mtu '1400'"), file);
        assertTrue(file.contains("config interface 'dtm0_inner'\n\toption dtm_owner '1'\n\toption proto 'static'\n\toption device 'dtm0'\n"
                + "\toption ipaddr '10.99.0.1/30'"), file);
        assertTrue(file.contains("config route 'dtm0_r_10_200_0_0_16'\n\toption dtm_owner '1'\n\toption interface 'dtm0_inner'\n"
                + "\toption target '10.200.0.0'\n\toption netmask '255.255.0.0'\n\toption gateway '10.99.0.2'"), file);
        assertTrue(lab.device.runningNetwork().contains("network.dtm0.vid='4242'"), "netifd did not load the change");
        assertNothingPending();
        assertEquals(Optional.empty(), lab.device.file(RollbackGuard.PENDING), "the boot-time restore is still armed");
        assertEquals(Optional.empty(), lab.device.file(RollbackGuard.COPY));
        assertEquals(Optional.of(RollbackGuard.SCRIPT_TEXT), lab.device.file(RollbackGuard.SCRIPT));
        assertTrue(lab.device.file("/etc/rc.d/S15dtm-rollback").isPresent(), "the boot hook is not enabled");
        assertEquals(Optional.of(sample), read(sample));
    }

    @Test
    void ipv6OuterAndInnerReadBackInSync() throws Exception {
        TunnelIntent sample = new TunnelIntent("dtm6", TunnelIntent.Role.GATEWAY, OpenWrtLab.sample().type(),
                Cidr.parseLiteral("2001:db8:10::10"), new InetSocketAddress(Cidr.parseLiteral("2001:db8:99::1"), 4790), 77,
                Cidr.parseLiteral("fd00:99::1"), 64, Cidr.parseLiteral("fd00:99::2"), List.of(Cidr.parse("2001:db8:200::/48")),
                1380, Optional.empty(), 0);
        Transaction t = set(sample);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertTrue(lab.device.committedNetwork().contains("config route6 'dtm6_r6_2001_db8_200___48'"), lab.device.committedNetwork());
        assertEquals(Optional.of(sample), read(sample));
        Transaction moved = set(sample.withRemoteOuter(new InetSocketAddress(Cidr.parseLiteral("2001:db8:98::1"), 4790)));
        assertEquals(Transaction.Result.CONFIRMED, moved.result(), moved.detail());
        assertEquals(List.of("set network.dtm6.peer6addr='2001:db8:98::1'"), moved.commands());
    }

    @Test
    void greAndIpipTunnelsAndChangingTheTypeInPlace() throws Exception {
        TunnelIntent gre = OpenWrtLab.sample(net.dtm.api.TunnelType.GRE);
        Transaction t = set(gre);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertTrue(lab.device.committedNetwork().contains("\toption proto 'gre'\n\toption ipaddr '192.0.2.10'\n"
                + "\toption peeraddr '198.51.100.1'\n\toption ikey '77'\n\toption okey '77'"), lab.device.committedNetwork());
        assertTrue(lab.device.committedNetwork().contains("option device 'gre4-dtm0'"));
        assertInSync(gre);
        TunnelIntent ipip = OpenWrtLab.sample(net.dtm.api.TunnelType.IPIP);
        Transaction u = set(ipip);
        assertEquals(Transaction.Result.CONFIRMED, u.result(), u.detail());
        assertInSync(ipip);
        assertFalse(lab.device.committedNetwork().contains("ikey"), "gre options left on an ipip tunnel");
        assertEquals(Transaction.Result.CONFIRMED, set(OpenWrtLab.sample()).result());
        assertEquals(Optional.of(OpenWrtLab.sample()), read(OpenWrtLab.sample()));
        TunnelIntent longName = new TunnelIntent("dtm_tunnel1", gre.role(), gre.type(), gre.localOuter(), gre.remoteOuter(),
                gre.key(), gre.innerAddress(), gre.prefixLength(), gre.peerInner(), gre.routes(), gre.mtu(), gre.wireGuard(), 0);
        Transaction refused = set(longName);
        assertEquals(Transaction.Result.REFUSED, refused.result());
        assertTrue(refused.detail().contains("gre4-dtm_tunnel1"), refused.detail());
    }

    @Test
    void theProbePingsThroughTheTunnelsDevice() throws Exception {
        TunnelIntent gre = OpenWrtLab.sample(net.dtm.api.TunnelType.GRE);
        assertEquals(Transaction.Result.CONFIRMED, set(gre).result());
        lab.server.clearReceived();
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            assertFalse(s.probe(gre, Duration.ofSeconds(1)), "the emulated peer never answers");
        }
        assertEquals(List.of("ping -c 1 -W 1 -I gre4-dtm0 10.99.0.2"), lab.server.received());
    }

    @Test
    void secondApplyPushesNothing() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        lab.server.clearReceived();
        Transaction again = manager.apply(sample.name(), "test", false);
        assertEquals(Transaction.Result.NO_CHANGE, again.result(), again.detail());
        List<String> received = lab.server.received();
        assertFalse(received.isEmpty(), "the device was not even read");
        assertTrue(received.stream().noneMatch(c -> c.contains(" batch ") || c.contains("uci apply")
                || c.contains("session create") || c.contains("rm -f") || c.contains("cp ")), () -> "pushed: " + received);
    }

    @Test
    void removalDeletesTheRoutesToo() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        Transaction t = manager.removeEnd(sample.name(), "test").get(30, TimeUnit.SECONDS);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertEquals(initial, lab.device.committedNetwork(), "something of the tunnel is left");
    }

    // ------------------------------------------------------------------ failures

    @Test
    void aTunnelTheDeviceCannotBringUpIsRolledBack() throws Exception {
        lab.device.setVxlanKernelModule(false);
        Transaction t = set(OpenWrtLab.sample());
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.restored(), t.detail());
        assertTrue(t.detail().contains("device reverted the change"), t.detail());
        assertEquals(initial, lab.device.committedNetwork());
        assertNothingPending();
        assertEquals(Optional.empty(), lab.device.file(RollbackGuard.PENDING));
        assertEquals(0, lab.device.stagedAnywhere(), "rolled-back changes left staged");
    }

    @Test
    void aChangeTheDeviceCannotBringUpPutsTheConfigurationBack() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        String before = lab.device.committedNetwork();
        // kmod-vxlan went away (an upgrade without it): the running tunnel stays until netifd reloads
        lab.device.setVxlanKernelModule(false);
        assertEquals(Optional.of(sample), read(sample));
        Transaction t = set(sample.withMtu(1300));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().contains("running state differs from the intent after applying"), t.detail());
        assertEquals(before, lab.device.committedNetwork(), "the configuration is not the one before the change");
        assertNothingPending();
        assertEquals(0, lab.device.stagedAnywhere());
        lab.device.setVxlanKernelModule(true);
        lab.device.exec("/etc/init.d/network reload");
        assertEquals(Optional.of(sample), read(sample));
    }

    @Test
    void aLineTheDeviceRefusesIsReportedWithItsOwnTextAndNothingStays() throws Exception {
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            ConfigException e = assertThrows(ConfigException.class, () -> s.apply(List.of(
                    UciLine.section("dtm0", "interface"), UciLine.set("dtm0", "proto", "vxlan"),
                    UciLine.set("dtm0_inner", "device", "dtm0"))));
            assertTrue(e.rejected(), e.getMessage());
            assertTrue(e.getMessage().contains("uci: Entry not found"), e.getMessage());
        }
        assertEquals(initial, lab.device.committedNetwork());
        assertEquals(0, lab.device.stagedAnywhere(), "the refused batch left staged changes");
        assertNothingPending();
    }

    @Test
    void withoutAConfirmationTheDeviceRollsBackByItself() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        CommitConfirmBehaviour confirmer = lab.adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            confirmer.arm(s, Duration.ofSeconds(30));
            s.apply(create(sample));
            assertEquals(1400, s.read(sample.name(), sample.role()).orElseThrow().mtu());
        }
        // the core died: nobody confirms
        assertTrue(lab.device.rollbackPending());
        lab.clock.advance(Duration.ofSeconds(29));
        assertTrue(read(sample).isPresent(), "rolled back before the timeout");
        lab.clock.advance(Duration.ofSeconds(2));
        assertFalse(lab.device.rollbackPending());
        assertEquals(Optional.empty(), read(sample));
        assertEquals(initial, lab.device.committedNetwork());
    }

    @Test
    void rebootInsideTheWindowBringsThePreviousConfigurationBack() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        String before = lab.device.committedNetwork();
        armApplyAndLeave(sample.withMtu(1300));
        lab.device.reboot();
        assertEquals(before, lab.device.committedNetwork(), "the unconfirmed change survived the reboot");
        assertEquals(Optional.of(sample), read(sample));
        assertTrue(lab.device.syslog().stream().anyMatch(l -> l.contains("restored the network configuration")), lab.device.syslog().toString());
        assertEquals(Optional.empty(), lab.device.file(RollbackGuard.RESTORED), "the next session did not report and clear the marker");
        assertEquals(Transaction.Result.NO_CHANGE, manager.apply(sample.name(), "test", false).result());
    }

    @Test
    void aRestoreLeftByAChangeRpcdAlreadyUndidIsRemovedBeforeItCanUndoLaterChanges() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        armApplyAndLeave(sample);
        lab.clock.advance(Duration.ofMinutes(5));
        assertFalse(lab.device.rollbackPending());
        assertTrue(lab.device.file(RollbackGuard.PENDING).isPresent(), "the dead transaction's marker");
        // the operator changes the network by hand meanwhile
        lab.device.exec("uci batch <<'EOF'\nset network.wan.mtu='1492'\nEOF");
        lab.device.exec("uci commit network");
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            assertEquals(List.of(), s.check(sample));
            assertTrue(lab.device.file(RollbackGuard.PENDING).isPresent(), "check must not change the device");
            assertEquals(Optional.empty(), s.read(sample.name(), sample.role()));
        }
        assertEquals(Optional.empty(), lab.device.file(RollbackGuard.PENDING), "the stale marker is still armed");
        lab.device.reboot();
        assertTrue(lab.device.committedNetwork().contains("option mtu '1492'"), "a stale restore undid a later change");
    }

    @Test
    void theEmulatorKeepsTheTrapWithoutTheBootHook() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        armApplyAndLeave(sample.withMtu(1300));
        lab.device.exec("/etc/init.d/dtm-rollback disable");
        lab.device.reboot();
        assertEquals(1300, read(sample).orElseThrow().mtu(), "rpcd's timer is in memory: a reboot keeps the unconfirmed change");
    }

    @Test
    void aSecondChangeIsNotArmedWhileOneWaitsForConfirmation() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        armApplyAndLeave(sample);
        Transaction t = set(sample.withMtu(1300));
        assertEquals(Transaction.Result.FAILED, t.result(), t.detail());
        assertTrue(t.detail().contains("another configuration change is waiting for confirmation"), t.detail());
        assertEquals(1400, read(sample).orElseThrow().mtu());
    }

    @Test
    void connectionDroppedBeforeTheApplyLeavesTheDeviceAsBefore() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        String before = lab.device.committedNetwork();
        lab.server.dropConnectionsWhen(c -> c.contains("ubus call uci apply"));
        Transaction t = set(sample.withMtu(1300));
        assertNotEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertTrue(t.detail().contains("connection lost"), t.detail());
        assertFalse(java.util.regex.Pattern.compile("[0-9a-f]{32}").matcher(t.detail()).find(),
                "an rpcd session id (a bearer token) reached the history: " + t.detail());
        lab.server.dropConnectionsWhen(c -> false);
        assertEquals(before, lab.device.committedNetwork());
        assertEquals(Optional.of(sample), read(sample));
        assertFalse(lab.device.rollbackPending());
        // the staged batch sits in the dead transaction's rpcd session until rpcd expires it
        lab.clock.advance(Duration.ofMinutes(5));
        assertEquals(0, lab.device.stagedAnywhere());
    }

    @Test
    void connectionDroppedAfterTheApplyIsUndoneByTheDeviceTimer() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        String before = lab.device.committedNetwork();
        lab.server.dropConnectionsWhen(c -> c.startsWith(RollbackGuard.clear()));
        Transaction t = set(sample.withMtu(1300));
        assertNotEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        lab.server.dropConnectionsWhen(c -> false);
        assertTrue(lab.device.rollbackPending(), "the change should wait for a confirmation that never comes");
        lab.clock.advance(Duration.ofMinutes(5));
        assertEquals(before, lab.device.committedNetwork());
        assertEquals(Optional.of(sample), read(sample));
    }

    @Test
    void aRestoreNeverDestroysTheRollbackOfAChangeSomeoneElseHasPending() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        String before = lab.device.committedNetwork();
        luciAppliesWithRollback("set network.wan.mtu='1400'", 30);
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            // what the core's Restorer and Reconciler do: apply without arming
            ConfigException e = assertThrows(ConfigException.class,
                    () -> s.apply(lab.adapter.behaviour(LinkSettingsBehaviour.class).orElseThrow().setMtu(sample.name(), 1300)));
            assertFalse(e.rejected(), e.getMessage());
            assertTrue(e.getMessage().contains("waiting for confirmation"), e.getMessage());
        }
        assertTrue(lab.device.rollbackPending(), "LuCI's change must still wait for its confirmation");
        lab.clock.advance(Duration.ofSeconds(31));
        assertEquals(before, lab.device.committedNetwork(), "LuCI's change could not roll back: its snapshot was purged");
    }

    @Test
    void anUnarmedApplyIsConfirmedAtOnceAndLeavesNoSession() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            s.apply(lab.adapter.behaviour(LinkSettingsBehaviour.class).orElseThrow().setMtu(sample.name(), 1300));
            assertEquals(1300, s.read(sample.name(), sample.role()).orElseThrow().mtu());
        }
        assertNothingPending();
        assertEquals(0, lab.device.rpcdSessions(), "the session (a bearer token) outlived its change");
        lab.clock.advance(Duration.ofMinutes(5));
        assertEquals(1300, read(sample).orElseThrow().mtu(), "rpcd undid a restore");
    }

    @Test
    void anArmedChangesSessionEndsSoonAfterItsWindow() throws Exception {
        armApplyAndLeave(OpenWrtLab.sample());
        assertEquals(1, lab.device.rpcdSessions());
        lab.clock.advance(Duration.ofSeconds(60 + OpenWrtSession.ARMED_SESSION_MARGIN + 1));
        assertEquals(0, lab.device.rpcdSessions(), "the rpcd session id lives longer than needed");
    }

    @Test
    void aTimedOutApplyIsAChannelFailureNotARefusal() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        lab.device.failNextUbus("uci apply", 7);
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> s.apply(lab.adapter.behaviour(LinkSettingsBehaviour.class).orElseThrow().setMtu(sample.name(), 1300)));
            assertFalse(e.rejected(), "Request timed out leaves the outcome unknown: " + e.getMessage());
        }
    }

    @Test
    void changesOfMtuAndInnerAddressAreReadBackOnceNetifdRunsThem() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        Transaction mtu = set(sample.withMtu(1300));
        assertEquals(Transaction.Result.CONFIRMED, mtu.result(), mtu.detail());
        TunnelIntent moved = new TunnelIntent(sample.name(), sample.role(), sample.type(), sample.localOuter(), sample.remoteOuter(),
                sample.key(), Cidr.parseLiteral("10.99.0.5"), 30, Cidr.parseLiteral("10.99.0.6"), sample.routes(), 1300,
                sample.wireGuard(), 0);
        Transaction inner = set(moved);
        assertEquals(Transaction.Result.CONFIRMED, inner.result(), inner.detail());
        assertEquals(Optional.of(moved), read(moved));
    }

    @Test
    void anOperatorsTunnelNamedLikeDtmsIsNeitherListedReadNorTakenOver() throws Exception {
        lab.device.exec("uci batch <<'EOF'\nset network.dtm5=interface\nset network.dtm5.proto='gre'\n"
                + "set network.dtm5.ipaddr='192.0.2.10'\nset network.dtm5.peeraddr='198.51.100.9'\nEOF");
        lab.device.exec("uci commit network");
        String before = lab.device.committedNetwork();
        TunnelIntent sample = OpenWrtLab.sample();
        TunnelIntent named = new TunnelIntent("dtm5", sample.role(), sample.type(), sample.localOuter(), sample.remoteOuter(),
                sample.key(), sample.innerAddress(), sample.prefixLength(), sample.peerInner(), sample.routes(), sample.mtu(),
                sample.wireGuard(), 0);
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            assertEquals(List.of("dtm0"), s.list("dtm"));
            assertEquals(Optional.empty(), s.read("dtm5", sample.role()));
        }
        Transaction t = set(named);
        assertEquals(Transaction.Result.REFUSED, t.result(), t.detail());
        assertTrue(t.detail().contains("network.dtm5 that DTM did not create"), t.detail());
        Transaction removed = manager.removeEnd("dtm5", "test").get(30, TimeUnit.SECONDS);
        assertNotEquals(Transaction.Result.FAILED, removed.result(), removed.detail());
        assertTrue(lab.device.committedNetwork().contains("config interface 'dtm5'\n\toption proto 'gre'"),
                "the operator's tunnel was changed or removed");
        assertTrue(before.length() > 0);
    }

    @Test
    void aPowerCutRightAfterTheConfirmationKeepsTheConfirmedChange() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        lab.device.powerCut();
        assertEquals(Optional.empty(), lab.device.file(RollbackGuard.PENDING), "the disarmed marker came back from flash");
        assertTrue(lab.device.committedNetwork().contains("config interface 'dtm0'"), "the boot hook undid a confirmed change");
        assertFalse(lab.device.syslog().stream().anyMatch(l -> l.contains("restored the network configuration")));
    }

    @Test
    void theKernelStateIsReadThroughUbusNotIproute2() throws Exception {
        TunnelIntent sample = OpenWrtLab.sample();
        assertEquals(Transaction.Result.CONFIRMED, set(sample).result());
        assertEquals(Optional.of(sample), read(sample));
        assertTrue(lab.device.commands().stream().noneMatch(c -> c.contains("ip -j")), "ip -j needs ip-full");
    }

    // ------------------------------------------------------------------ checks, host key, quoting

    @Test
    void theDeviceChecksRefuseWhatItCannotBuild() throws Exception {
        TunnelIntent elsewhere = OpenWrtLab.sample().withLocalOuter(Cidr.parseLiteral("203.0.113.5"));
        Transaction t = set(elsewhere);
        assertEquals(Transaction.Result.REFUSED, t.result());
        assertTrue(t.detail().contains("the local outer address 203.0.113.5 is not configured"), t.detail());
        lab.device.setVxlanInstalled(false);
        Transaction u = set(OpenWrtLab.sample());
        assertEquals(Transaction.Result.REFUSED, u.result());
        assertTrue(u.detail().contains("install package vxlan"), u.detail());
        assertEquals(initial, lab.device.committedNetwork());
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        assertEquals(Optional.empty(), read(OpenWrtLab.sample()));
        lab.replaceHostKey();
        ConfigException e = assertThrows(ConfigException.class, () -> lab.adapter.open(lab.target()).close());
        assertFalse(e.rejected());
        assertTrue(e.getMessage().contains("SHA256:"), e.getMessage());
        assertEquals(List.of(), lab.server.received(), "a command reached a device whose host key changed");
    }

    @Test
    void noIntentValueReachesTheShell() throws Exception {
        TunnelIntent s = OpenWrtLab.sample();
        TunnelInterfaceBehaviour tunnel = lab.adapter.behaviour(TunnelInterfaceBehaviour.class).orElseThrow();
        for (String name : List.of("dtm0;reboot", "d$(reboot)", "dtm'x", "dtm0 x", "dtm-0", "dtm.0", "dtm0_inner")) {
            TunnelIntent bad = new TunnelIntent(name, s.role(), s.type(), s.localOuter(), s.remoteOuter(), s.key(),
                    s.innerAddress(), s.prefixLength(), s.peerInner(), s.routes(), s.mtu(), s.wireGuard(), 0);
            List<String> problems = tunnel.validate(bad);
            assertTrue(problems.stream().anyMatch(p -> p.contains(name)), name + " passes the adapter's validation: " + problems);
            lab.server.clearReceived();
            if (name.matches("[A-Za-z0-9_.-]+")) {
                Transaction t = set(bad);
                assertEquals(Transaction.Result.REFUSED, t.result(), name + ": " + t.detail());
                assertTrue(t.detail().contains(name), t.detail());
            } else {
                assertThrows(IllegalArgumentException.class, () -> set(bad), name + " accepted by the core");
            }
            assertEquals(List.of(), lab.server.received(), name + " reached the device");
        }
        try (ConfigSession session = lab.adapter.open(lab.target())) {
            lab.server.clearReceived();
            ConfigException e = assertThrows(ConfigException.class, () -> session.apply(List.of(
                    "set network.dtm0.mtu='1400'\nDTM_UCI_EOF\nreboot")));
            assertTrue(e.rejected());
            assertThrows(ConfigException.class, () -> session.apply(List.of("set network.dtm0.mtu='1'$(reboot)''")));
            assertEquals(List.of(), lab.server.received());
        }
        assertThrows(IllegalArgumentException.class, () -> UciLine.set("dtm0", "mtu", "1'; reboot; '"));
        assertThrows(IllegalArgumentException.class, () -> DeviceCommands.interfaceStatus("x;reboot"));
    }

    // ------------------------------------------------------------------ helpers

    /** As the core compares: GRE and IPIP have no port, so it reads back as 0. */
    private void assertInSync(TunnelIntent intent) throws ConfigException {
        Optional<TunnelIntent> running = read(intent);
        assertTrue(net.dtm.config.IntentDiff.between(running, Optional.of(intent)).isEmpty(),
                () -> "differs: " + net.dtm.config.IntentDiff.between(running, Optional.of(intent)));
    }

    private List<String> create(TunnelIntent i) {
        VendorAdapter a = lab.adapter;
        List<String> out = new java.util.ArrayList<>(a.behaviour(TunnelInterfaceBehaviour.class).orElseThrow().create(i));
        out.addAll(a.behaviour(LinkSettingsBehaviour.class).orElseThrow().setMtu(i.name(), i.mtu()));
        out.addAll(a.behaviour(net.dtm.spi.config.AddressingBehaviour.class).orElseThrow()
                .addAddress(i.name(), i.innerAddress(), i.prefixLength()));
        return out;
    }

    /** LuCI (or an operator with ubus) applies {@code line} with rollback and waits; returns its session id. */
    private String luciAppliesWithRollback(String line, int seconds) {
        String created = lab.device.exec("ubus call session create '{\"timeout\":300}'").orElseThrow().stdout();
        String sid = created.replaceAll("(?s).*\"ubus_rpc_session\": \"([0-9a-f]{32})\".*", "$1");
        lab.device.exec("ubus call session grant '{\"ubus_rpc_session\":\"" + sid
                + "\",\"scope\":\"uci\",\"objects\":[[\"network\",\"write\"]]}'");
        lab.device.exec("uci -P /var/run/rpcd/uci-" + sid + " batch <<'EOF'\n" + line + "\nEOF");
        assertEquals(0, lab.device.exec("ubus call uci apply '{\"ubus_rpc_session\":\"" + sid + "\",\"rollback\":true,\"timeout\":"
                + seconds + "}'").orElseThrow().exitStatus());
        assertTrue(lab.device.rollbackPending());
        return sid;
    }

    /** Arms, applies {@code changed}'s MTU (or creates it) and goes away without confirming: the core died. */
    private void armApplyAndLeave(TunnelIntent changed) throws Exception {
        CommitConfirmBehaviour confirmer = lab.adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
        try (ConfigSession s = lab.adapter.open(lab.target())) {
            boolean exists = s.read(changed.name(), changed.role()).isPresent();
            confirmer.arm(s, Duration.ofSeconds(60));
            s.apply(exists ? lab.adapter.behaviour(LinkSettingsBehaviour.class).orElseThrow().setMtu(changed.name(), changed.mtu())
                    : create(changed));
        }
        assertTrue(lab.device.rollbackPending());
    }
}
