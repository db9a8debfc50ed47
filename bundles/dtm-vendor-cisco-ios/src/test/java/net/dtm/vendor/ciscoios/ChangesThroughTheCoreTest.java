package net.dtm.vendor.ciscoios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;
import net.dtm.api.config.Transaction;
import net.dtm.config.ConfigSettings;
import net.dtm.config.ConfigurationManager;
import net.dtm.config.ssh.testkit.ManualClock;
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

    private Transaction set(TunnelIntent intent) throws Exception {
        return manager.setIntent(intent.name(), intent.role(), "pe-1", target, Optional.of(intent), "test")
                .get(10, TimeUnit.SECONDS);
    }
}
