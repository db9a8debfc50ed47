package net.dtm.vendor.ciscoios;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.config.Transaction;
import net.dtm.config.ConfigSettings;
import net.dtm.config.ConfigurationManager;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;

/**
 * The adapter in the core's safe transaction against the IOS emulator over SSH: what reaches the
 * device, and what is left on it when the device refuses a line, the connection drops, no
 * confirmation comes, the archive is missing, the hostname changes or the host key does.
 */
class CiscoIosAdapterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Commands that change the device; reads and session set-up are not among them. */
    private static final Pattern CHANGES = Pattern.compile("^(configure|interface|no |ip |ipv6 |tunnel |description|hostname).*");

    @TempDir
    Path dir;

    private IosLab lab;
    private ConfigurationManager manager;

    @BeforeEach
    void start() throws Exception {
        lab = new IosLab(dir);
        manager = ConfigurationManager.create(ConfigSettings.defaults(dir.resolve("state")).withProbe(false)
                .withOperatorTimeout(TIMEOUT), 2);
        manager.addAdapter(lab.adapter(), Map.of(VendorAdapter.PROP_VENDOR, CiscoIosAdapter.VENDOR));
    }

    @AfterEach
    void stop() {
        manager.close();
        lab.close();
    }

    @Test
    void appliesAsIosPrintsItAndASecondApplyPushesNothing() throws Exception {
        TunnelIntent gre = Samples.gre("dtm7");
        Transaction t = set(gre);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        List<String> config = lab.device.runningConfig();
        int at = config.indexOf("interface Tunnel4007");
        assertTrue(at > 0, () -> "no Tunnel4007 in " + config);
        assertEquals(List.of(" description dtm:dtm7", " ip address 10.220.0.1 255.255.255.252", " ip mtu 1400",
                " ipv6 mtu 1400", " tunnel source 192.0.2.1", " tunnel destination 198.51.100.7", " tunnel key 4711"),
                config.subList(at + 1, at + 8));
        assertTrue(config.contains("ip route 10.221.0.0 255.255.0.0 Tunnel4007 10.220.0.2"), config::toString);
        assertTrue(config.contains("ip route 172.16.8.0 255.255.255.0 Tunnel4007 10.220.0.2"), config::toString);
        assertFalse(lab.device.revertPending(), "the revert timer must be confirmed");
        assertTrue(lab.server.received().stream().anyMatch(l -> l.startsWith("configure terminal revert timer ")),
                "the change must be made under the revert timer");

        lab.server.clearReceived();
        Transaction again = manager.apply(gre.name(), "test", false);
        assertEquals(Transaction.Result.NO_CHANGE, again.result(), again.detail());
        List<String> pushed = lab.server.received().stream().filter(l -> CHANGES.matcher(l).matches()).toList();
        assertEquals(List.of(), pushed, "an idempotent re-apply must send no configuration");
        assertTrue(lab.server.received().contains("terminal length 0"), "paging must be off");
    }

    @Test
    void aRefusedLineIsRolledBackAndTheDeviceIsAsBefore() throws Exception {
        TunnelIntent gre = Samples.gre("dtm7");
        assertEquals(Transaction.Result.CONFIRMED, set(gre).result());
        List<String> before = lab.device.runningConfig();
        lab.device.refuse(Pattern.compile("ip mtu 1380"));

        Transaction t = set(gre.withMtu(1380));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().contains("device rejected the change") && t.detail().contains("ip mtu 1380")
                && t.detail().contains("% Invalid input detected at '^' marker."), t.detail());
        assertTrue(t.restored(), t.detail());
        assertEquals(before, lab.device.runningConfig());
        assertFalse(lab.device.revertPending());
        assertTrue(lab.device.events().contains("reverted now"), lab.device.events()::toString);
    }

    @Test
    void withoutConfirmationTheDevicesOwnTimerRollsBack() throws Exception {
        VendorAdapter adapter = lab.adapter();
        TunnelIntent gre = Samples.gre("dtm7");
        List<String> before = lab.device.runningConfig();
        ConfigSession s = adapter.open(lab.target());
        adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow().arm(s, Duration.ofSeconds(75));
        s.apply(adapter.behaviour(TunnelInterfaceBehaviour.class).orElseThrow().create(gre));
        s.close(); // DTM dies before confirming
        assertTrue(lab.device.runningConfig().contains("interface Tunnel4007"));
        assertTrue(lab.device.revertPending());

        lab.clock.advance(Duration.ofSeconds(119));
        assertTrue(lab.device.runningConfig().contains("interface Tunnel4007"), "75 s round up to a 2 minute timer");
        lab.clock.advance(Duration.ofSeconds(1));
        assertEquals(before, lab.device.runningConfig());
        assertTrue(lab.device.events().contains("reverted by the timer"), lab.device.events()::toString);
    }

    @Test
    void aConnectionDroppedMidApplyIsReportedAndTheTimerRestoresTheDevice() throws Exception {
        TunnelIntent gre = Samples.gre("dtm7");
        assertEquals(Transaction.Result.CONFIRMED, set(gre).result());
        List<String> before = lab.device.runningConfig();
        lab.server.dropConnectionsWhen(l -> l.startsWith("ipv6 mtu 1380"));

        Transaction t = set(gre.withMtu(1380));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertFalse(t.restored(), t.detail());
        assertTrue(t.detail().startsWith("channel failed while applying"), t.detail());
        assertTrue(lab.device.runningConfig().contains(" ip mtu 1380"), "the line before the drop reached the device");
        assertTrue(lab.device.revertPending(), "a dropped session must not stop the revert timer");

        lab.clock.advance(Duration.ofMinutes(2));
        assertEquals(before, lab.device.runningConfig());
        lab.server.dropConnectionsWhen(l -> false);
        try (ConfigSession s = lab.adapter().open(lab.target())) {
            assertEquals(Optional.of(gre), s.read(gre.name(), gre.role()));
        }
    }

    @Test
    void aLineThatTimesOutIsAChannelFailureNotARefusal() throws Exception {
        TunnelIntent gre = Samples.gre("dtm7");
        assertEquals(Transaction.Result.CONFIRMED, set(gre).result());
        List<String> before = lab.device.runningConfig();
        lab.device.stall(Pattern.compile("ip mtu 1380"), Duration.ofMillis(2500));
        Map<String, String> oneSecond = Map.of("command.timeout.seconds", "1");

        Transaction t = manager.setIntent(gre.name(), gre.role(), "ios-lab", lab.target(oneSecond),
                Optional.of(gre.withMtu(1380)), "test").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().startsWith("channel failed while applying"), t.detail());
        await("the stalled line ends on the device").atMost(Duration.ofSeconds(10)).until(() -> !lab.device.stalling());
        if (lab.device.revertPending()) {
            lab.clock.advance(Duration.ofMinutes(2)); // the device's own timer, whatever the session could still do
        }
        assertEquals(before, lab.device.runningConfig());
    }

    @Test
    void withoutAnArchiveCheckSaysWhatToConfigureAndNothingIsSent() throws Exception {
        lab.device.archive(false);
        Transaction t = set(Samples.gre("dtm7"));
        assertEquals(Transaction.Result.REFUSED, t.result(), t.detail());
        assertTrue(t.detail().contains("archive / path flash:dtm-archive / maximum 14"), t.detail());
        assertEquals(List.of(), lab.server.received().stream().filter(l -> CHANGES.matcher(l).matches()).toList());
        assertFalse(lab.device.runningConfig().contains("interface Tunnel4007"));

        try (ConfigSession s = lab.adapter().open(lab.target())) {
            s.apply(List.of("archive", "path flash:dtm-archive", "maximum 14")); // what the operator is told to do
        }
        assertEquals(Transaction.Result.CONFIRMED, manager.apply("dtm7", "test", false).result());
    }

    @Test
    void aTunnelNumberTakenByHandIsRefused() throws Exception {
        try (ConfigSession s = lab.adapter().open(lab.target())) {
            s.apply(List.of("interface Tunnel4007", "description uplink to the depot"));
        }
        Transaction t = set(Samples.gre("dtm7"));
        assertEquals(Transaction.Result.REFUSED, t.result(), t.detail());
        assertTrue(t.detail().contains("Tunnel4007 already exists") && t.detail().contains("uplink to the depot"), t.detail());
        try (ConfigSession s = lab.adapter().open(lab.target())) {
            assertEquals(List.of(), s.list("dtm"));
            assertEquals(Optional.empty(), s.read("dtm7", TunnelIntent.Role.DEVICE));
        }
    }

    @Test
    void hostnameChangesBetweenAndDuringSessionsAreFollowed() throws Exception {
        String longer = "core-gw-" + "x".repeat(52) + "-05";
        assertEquals(63, longer.length());
        lab.device.hostname("pe1");
        TunnelIntent gre = Samples.gre("dtm7");
        assertEquals(Transaction.Result.CONFIRMED, set(gre).result());
        try (ConfigSession s = lab.adapter().open(lab.target())) {
            // hostname is global: typed in interface mode it leaves interface mode, as on IOS
            s.apply(List.of("hostname " + longer, "interface Tunnel4007", "ip mtu 1300", "hostname pe2",
                    "interface Tunnel4007", "ip mtu 1400"));
            assertEquals("pe2", lab.device.hostname());
            lab.device.hostname(longer); // another session renames the router
            assertEquals(Optional.of(gre), s.read(gre.name(), gre.role()));
            assertEquals(List.of("dtm7"), s.list("dtm"));
        }
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        assertEquals(Transaction.Result.CONFIRMED, set(Samples.gre("dtm7")).result());
        lab.replaceHostKey();
        ConfigException e = assertThrows(ConfigException.class, () -> lab.adapter().open(lab.target()));
        assertFalse(e.rejected());
        assertTrue(e.getMessage().contains("SHA256:"), e.getMessage());
        Transaction t = set(Samples.gre("dtm7").withMtu(1300));
        assertEquals(Transaction.Result.FAILED, t.result(), t.detail());
        assertTrue(t.detail().startsWith("cannot open a session to the device"), t.detail());
        assertNotEquals(-1, lab.device.runningConfig().indexOf(" ip mtu 1400"));
    }

    private Transaction set(TunnelIntent intent) throws Exception {
        return manager.setIntent(intent.name(), intent.role(), "ios-lab", lab.target(), Optional.of(intent), "test")
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
