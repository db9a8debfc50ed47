package net.dtm.vendor.ciscoios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import net.dtm.config.ssh.testkit.ManualClock;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.vendor.ciscoios.emulator.IosDevice;

/**
 * Every kind of change the core renders, applied by the adapter to the emulator (driven in memory,
 * so many changes stay fast) and read back in sync: what the renderer writes, the emulator accepts
 * and the parser reads agree with each other.
 */
class ChangesThroughTheCoreTest {

    @TempDir
    Path dir;

    private final IosDevice device = new IosDevice("pe-1", IosLab.OUTER, new ManualClock());
    private final CiscoIosAdapter adapter = new CiscoIosAdapter(new InMemoryConnector(device));
    private final DeviceTarget target = new DeviceTarget("cisco-ios", "", "", "pe-1.example", 0, "dtm", Optional.empty(), Map.of());
    private ConfigurationManager manager;

    @BeforeEach
    void start() throws Exception {
        manager = ConfigurationManager.create(ConfigSettings.defaults(dir).withProbe(false), 1);
        manager.addAdapter(adapter, Map.of(VendorAdapter.PROP_VENDOR, CiscoIosAdapter.VENDOR));
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void everyKindOfChangeIsConfirmedAndReadsBackInSync() throws Exception {
        TunnelIntent gre = Samples.gre("dtm3");
        List<TunnelIntent> steps = List.of(
                gre,
                gre.withMtu(1300),
                Samples.intent("dtm3", TunnelType.GRE, IosLab.OUTER, "198.51.100.7", 4711, "10.230.0.5", 29, "10.230.0.6", 1300,
                        "10.221.0.0/16", "10.99.0.0/16"),
                Samples.intent("dtm3", TunnelType.IPIP, IosLab.OUTER, "198.51.100.8", 0, "10.230.0.5", 29, "10.230.0.6", 1300,
                        "10.99.0.0/16"),
                Samples.intent("dtm3", TunnelType.GRE, IosLab.OUTER, "198.51.100.8", 0, "10.230.0.5", 29, "10.230.0.6", 1000),
                Samples.greV6Inner("dtm3"),
                Samples.greV6Inner("dtm3").withMtu(1280));
        for (TunnelIntent step : steps) {
            Transaction t = set(step);
            assertEquals(Transaction.Result.CONFIRMED, t.result(), () -> step.describe() + ": " + t.detail() + " " + t.commands());
            assertEquals(Transaction.Result.NO_CHANGE, manager.apply("dtm3", "test", false).result(), step::describe);
        }
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(List.of("dtm3"), s.list("dtm"));
            assertEquals(List.of(), s.list("gw"));
        }
        Transaction removed = manager.removeEnd("dtm3", "test").get(10, TimeUnit.SECONDS);
        assertEquals(Transaction.Result.CONFIRMED, removed.result(), removed.detail());
        String config = String.join("\n", device.runningConfig());
        assertFalse(config.contains("Tunnel4003"), config);
        assertFalse(device.revertPending());
    }

    @Test
    void twoTunnelsKeepTheirOwnRoutes() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, set(Samples.gre("dtm1")).result());
        TunnelIntent other = Samples.intent("dtm2", TunnelType.GRE, IosLab.OUTER, "198.51.100.9", 0, "10.240.0.1", 30,
                "10.240.0.2", 1400, "10.221.0.0/16");
        assertEquals(Transaction.Result.CONFIRMED, set(other).result());
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(Optional.of(Samples.gre("dtm1")), s.read("dtm1", TunnelIntent.Role.DEVICE));
            assertEquals(Optional.of(other), s.read("dtm2", TunnelIntent.Role.DEVICE));
            assertEquals(List.of("dtm1", "dtm2"), s.list("dtm"));
        }
        assertEquals(Transaction.Result.CONFIRMED, manager.removeEnd("dtm1", "test").get(10, TimeUnit.SECONDS).result());
        assertTrue(device.runningConfig().contains("ip route 10.221.0.0 255.255.0.0 Tunnel4002 10.240.0.2"),
                "removing one tunnel must leave the other's route to the same prefix");
    }

    @Test
    void aLocalOuterAddressTheDeviceDoesNotHaveIsRefusedBeforeAnyChange() throws Exception {
        TunnelIntent elsewhere = Samples.intent("dtm1", TunnelType.GRE, "203.0.113.5", "198.51.100.7", 0, "10.240.0.1", 30,
                "10.240.0.2", 1400);
        Transaction t = set(elsewhere);
        assertEquals(Transaction.Result.REFUSED, t.result());
        assertEquals("local outer address 203.0.113.5 is not configured on any interface of cisco-ios pe-1.example", t.detail());
        assertFalse(device.received().stream().anyMatch(l -> l.startsWith("configure")));
    }

    @Test
    void theProbePingsThePeerFromTheTunnel() throws Exception {
        TunnelIntent gre = Samples.gre("dtm1");
        assertEquals(Transaction.Result.CONFIRMED, set(gre).result());
        try (ConfigSession s = adapter.open(target)) {
            assertFalse(s.probe(gre, java.time.Duration.ofSeconds(1)));
            device.answerPings("10.220.0.2");
            assertTrue(s.probe(gre, java.time.Duration.ofSeconds(1)));
        }
        assertTrue(device.received().contains("ping 10.220.0.2 source Tunnel4001 repeat 1 timeout 1"), device.received()::toString);
    }

    @Test
    void theLastTunnelBeforeADescribedPhysicalInterfaceReadsBackAsItself() throws Exception {
        // IOS prints the tunnels before the physical interfaces: Tunnel4002 is followed by
        // GigabitEthernet0/0 and its description "WAN uplink (fibre)"
        TunnelIntent first = Samples.gre("dtm1");
        TunnelIntent last = Samples.intent("dtm2", TunnelType.IPIP, IosLab.OUTER, "198.51.100.9", 0, "10.240.0.1", 30,
                "10.240.0.2", 1400, "10.99.0.0/16");
        for (TunnelIntent t : List.of(first, last)) {
            Transaction done = set(t);
            assertEquals(Transaction.Result.CONFIRMED, done.result(), done::detail);
            assertEquals(Transaction.Result.NO_CHANGE, manager.apply(t.name(), "test", false).result(), t::describe);
        }
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(Optional.of(last), s.read("dtm2", TunnelIntent.Role.DEVICE));
            assertEquals(List.of("dtm1", "dtm2"), s.list("dtm"));
            assertEquals(List.of(), s.check(last));
        }
    }

    @Test
    void aTunnelNumberTakenByHandWithoutADescriptionIsNeitherListedNorTakenOver() throws Exception {
        try (ConfigSession s = adapter.open(target)) {
            s.apply(List.of("interface Tunnel4001", "ip address 10.9.9.1 255.255.255.252"));
        }
        Transaction t = set(Samples.gre("dtm1"));
        assertEquals(Transaction.Result.REFUSED, t.result(), t.detail());
        assertTrue(t.detail().contains("Tunnel4001 already exists") && t.detail().contains("its description is ''"), t.detail());
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(List.of(), s.list("dtm"));
            assertEquals(Optional.empty(), s.read("dtm1", TunnelIntent.Role.DEVICE));
        }
        assertTrue(device.runningConfig().contains(" ip address 10.9.9.1 255.255.255.252"));
    }

    @Test
    void anOuterAddressFromDhcpOrTheCellularModemIsTheDevicesOwn() throws Exception {
        // GigabitEthernet0/1 has "ip address dhcp", Cellular0/1/0 "ip address negotiated" and
        // "ipv6 address autoconfig": the running configuration names no address for either
        TunnelIntent dhcp = Samples.intent("dtm1", TunnelType.GRE, IosDevice.DHCP_ADDRESS, "198.51.100.7", 0, "10.240.0.1", 30,
                "10.240.0.2", 1400);
        TunnelIntent cellular = Samples.intent("dtm2", TunnelType.GRE, IosDevice.CELLULAR_ADDRESS, "198.51.100.8", 0, "10.241.0.1",
                30, "10.241.0.2", 1400, "10.99.0.0/16");
        TunnelIntent cellularV6 = Samples.intent("dtm3", TunnelType.GRE, IosDevice.CELLULAR_V6.toLowerCase(java.util.Locale.ROOT),
                "2001:db8:ffff::9", 0, "10.242.0.1", 30, "10.242.0.2", 1400);
        for (TunnelIntent t : List.of(dhcp, cellular, cellularV6)) {
            Transaction done = set(t);
            assertEquals(Transaction.Result.CONFIRMED, done.result(), () -> t.describe() + ": " + done.detail());
            assertEquals(Transaction.Result.NO_CHANGE, manager.apply(t.name(), "test", false).result(), t::describe);
        }
        assertTrue(device.received().contains("show ip interface brief") && device.received().contains("show ipv6 interface brief"),
                device.received()::toString);

        device.lease("GigabitEthernet0/1", null); // the lease ran out
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(List.of("local outer address " + IosDevice.DHCP_ADDRESS + " is not configured on any interface of"
                    + " cisco-ios pe-1.example"), s.check(dhcp));
            s.apply(List.of("interface GigabitEthernet0/0", "ip address 192.0.2.77 255.255.255.0 secondary"));
            assertEquals(List.of(), s.check(dhcp.withLocalOuter(Cidr.parseLiteral("192.0.2.77"))),
                    "a secondary address is not in the brief listing but is the device's");
            assertEquals(1, s.check(dhcp.withLocalOuter(Cidr.parseLiteral("2001:db8:ce11::10"))).size());
        }
    }

    @Test
    void theArmLogSaysOnceThatIosRestoresTheWholeRunningConfiguration() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertEquals(Transaction.Result.CONFIRMED, set(Samples.gre("dtm1")).result());
        } finally {
            System.setErr(original);
        }
        List<String> armed = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("revert timer armed")).toList();
        assertEquals(1, armed.size(), captured::toString);
        assertTrue(armed.get(0).contains(" INFO ") && armed.get(0).contains("revert timer armed for 2 min: until confirmed, IOS"
                + " restores the whole running configuration of cisco-ios pe-1.example on failure"), armed.get(0));
    }

    @Test
    void theDevicesTimerCannotBeShorterThanTheCoresWaitNorAPingLongerThanTheCommandTimeout() throws Exception {
        TunnelIntent gre = Samples.gre("dtm1");
        assertEquals(Transaction.Result.CONFIRMED, set(gre).result());
        try (ConfigSession s = adapter.open(target)) {
            CommitConfirmBehaviour timer = adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow();
            ConfigException e = assertThrows(ConfigException.class, () -> timer.arm(s, Duration.ofMinutes(121)));
            assertTrue(e.getMessage().contains("at most 120 minutes"), e.getMessage());
            assertFalse(device.revertPending());
            assertFalse(s.probe(gre, Duration.ofMinutes(10)));
        }
        assertTrue(device.received().contains("ping 10.220.0.2 source Tunnel4001 repeat 1 timeout 25"), device.received()::toString);
    }

    @Test
    void theSnapshotReadReusesTheChecksListingAndNothingElseDoes() throws Exception {
        TunnelIntent gre = Samples.gre("dtm1");
        assertEquals(Transaction.Result.CONFIRMED, set(gre).result());
        assertEquals(2, listings(), "check (its listing serving the snapshot read) and the read-back after applying");
        try (ConfigSession s = adapter.open(target)) {
            assertEquals(List.of(), s.check(gre));
            assertEquals(3, listings());
            assertEquals(Optional.of(gre), s.read("dtm1", TunnelIntent.Role.DEVICE));
            assertEquals(3, listings(), "the read right after the check reuses its listing");
            assertEquals(Optional.of(gre), s.read("dtm1", TunnelIntent.Role.DEVICE));
            assertEquals(4, listings(), "only once");
            s.check(gre);
            s.apply(List.of("interface Tunnel4001", "description dtm:dtm1", "ip mtu 1300"));
            assertEquals(1300, s.read("dtm1", TunnelIntent.Role.DEVICE).orElseThrow().mtu(), "a change in between drops it");
        }
    }

    private long listings() {
        return device.received().stream().filter(CiscoIosSession.LIST_TUNNELS::equals).count();
    }

    private Transaction set(TunnelIntent intent) throws Exception {
        return manager.setIntent(intent.name(), intent.role(), "pe-1", target, Optional.of(intent), "test")
                .get(10, TimeUnit.SECONDS);
    }
}
