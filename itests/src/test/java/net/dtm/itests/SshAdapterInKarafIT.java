package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Test;

import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.vendor.mikrotik.MikrotikAdapter;
import net.dtm.vendor.mikrotik.emulator.RouterOsEmulator;

/**
 * An SSH vendor adapter working inside the shipped distribution, as an operator sets it up: the
 * server distribution (standalone server, demo agent on emulated links) with its router end
 * pointed at a RouterOS 7 router reached over SSH (the emulator of the adapter's own tests, in this
 * JVM), {@code feature:install dtm-vendor-mikrotik} from {@code system/}, and the demo agent's tunnel
 * built on that router through Karaf's MINA SSHD: VXLAN interface, static VTEP and inner address,
 * confirmed, its host key pinned in {@code etc/dtm-known-hosts} (mode 600), the password in no log.
 *
 * <p>Plain JUnit 4 driving real processes (like {@link OfflineInstallIT}).
 */
public class SshAdapterInKarafIT {

    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final String PASSWORD = "Router-Secret-7f3c";

    private KarafProcess karaf;
    private DeviceEmulatorServer router;
    private Path work;
    private boolean passed;

    @After
    public void stopEverything() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
        if (router != null) {
            router.close();
        }
        if (passed && work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    public void theRouterEndIsBuiltOnAMikrotikOverSshFromTheShippedDistribution() throws Exception {
        work = Files.createTempDirectory(Files.createDirectories(Path.of("target", "ssh-adapter-it").toAbsolutePath()), "run-");
        RouterOsEmulator device = new RouterOsEmulator();
        // the demo agent's links leave from 127.0.0.1: the router must own that address (the adapter checks)
        String added = device.openShell().line("/ip address add address=127.0.0.1/8 interface=ether1");
        assertEquals("", added.trim());
        router = DeviceEmulatorServer.start(device, "dtm" + MikrotikAdapter.DEFAULT_LOGIN_SUFFIX, PASSWORD,
                work.resolve("router-host-key"));

        karaf = KarafProcess.unpack(Path.of(System.getProperty("dtm.distribution", "missing")), work);
        karaf.withDemo().randomSshPort();
        int udpPort = KarafProcess.freeUdpPort();
        karaf.set("etc/net.dtm.server.cfg", "bind.port", Integer.toString(udpPort));
        karaf.set("etc/net.dtm.agent.cfg", "servers", "127.0.0.1:" + udpPort);
        Path secret = karaf.home().resolve("etc/dtm-secrets/edge-router");
        Files.createDirectories(secret.getParent());
        Files.writeString(secret, PASSWORD + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        String cfg = "etc/net.dtm.config.cfg";
        karaf.set(cfg, "enabled", "true")
                .set(cfg, "vendor", "mikrotik")
                .set(cfg, "host", router.host())
                .set(cfg, "port", Integer.toString(router.port()))
                .set(cfg, "username", "dtm")
                .set(cfg, "secret.file", "dtm-secrets/edge-router")
                // nothing answers pings through an emulated router: read-back decides
                .set(cfg, "probe", "false");

        karaf.start();
        karaf.await("the demo agent is established", BOOT, "tunnel:status",
                r -> r.ok() && r.output().contains("smr-demo-1")
                        && (r.output().contains("ESTABLISHED") || r.output().contains("RENEWING")));
        KarafProcess.Result install = karaf.client("feature:install dtm-vendor-mikrotik", Duration.ofSeconds(120));
        assertTrue("feature:install dtm-vendor-mikrotik: " + install, install.ok());
        karaf.await("vendor:list shows mikrotik", Duration.ofSeconds(60), "vendor:list",
                r -> r.ok() && r.output().contains("mikrotik"));

        // the adapter's arrival applies the router end that waited for it
        KarafProcess.Result history = karaf.await("a confirmed change on the router", Duration.ofSeconds(90),
                "config:history dtm0", r -> r.ok() && r.output().contains("confirmed"));
        String config = device.config();
        assertTrue("VXLAN interface on the router: " + config,
                config.matches("(?s).*/interface vxlan add .*name=dtm0.*"));
        assertTrue("its VTEP toward the server's tunnel endpoint: " + config,
                config.matches("(?s).*/interface vxlan vteps add .*interface=dtm0.*remote-ip=127\\.0\\.0\\.1.*"));
        assertTrue("the inner address on dtm0, tagged as DTM's: " + config,
                config.matches("(?s).*/ip address add address=10\\.64\\.\\d+\\.\\d+/16 comment=dtm:dtm0 interface=dtm0.*"));
        assertFalse("safe mode left after the confirmation", device.safeModeHeld());
        KarafProcess.Result shown = karaf.client("config:show dtm0");
        assertTrue("config:show dtm0 in sync through mikrotik: " + shown + "\n" + history,
                shown.ok() && shown.output().contains("mikrotik") && shown.output().contains("in-sync"));

        Path pinned = karaf.home().resolve("etc/dtm-known-hosts");
        assertTrue("host key pinned in " + pinned, Files.isRegularFile(pinned));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(pinned)));
        List<String> pins = Files.readAllLines(pinned);
        assertEquals(pins.toString(), 1, pins.size());
        assertTrue(pins.get(0), pins.get(0).startsWith("[" + router.host() + "]:" + router.port() + " "));

        String log = Files.readString(karaf.home().resolve("data/log/karaf.log"));
        assertFalse("the router's password appears in karaf.log", log.contains(PASSWORD));
        passed = true;
    }
}
