package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.After;
import org.junit.Test;

/**
 * Zero-touch enrolment end to end with the SHIPPED distributions, as processes on loopback: the
 * server distribution makes a single-use enrolment key with {@code enrolment:create --token-file}
 * straight into the etc/ folder of an agent distribution; that agent, unenrolled (its device key
 * file does not exist), configured with only the token file, its device id and the server list,
 * and given the emulated lossy links, enrols itself and establishes its tunnel in the same
 * start-up. Then: the server knows the device, the key is used up, the router's own key and its
 * device key are mode-600 files, the token file is gone, and neither the token nor the device key
 * appears in either node's logs.
 *
 * <p>Plain JUnit 4 driving real processes (like {@link OfflineInstallIT}); nothing runs in OSGi.
 * Every wait has a deadline; a failed run keeps both Karaf homes under target/zero-touch-it.
 */
public class ZeroTouchEnrolmentIT {

    private static final Duration BOOT = Duration.ofSeconds(120);
    /** Enrolment and establishment over 20-50 % loss on a busy 2-core box. */
    private static final Duration ENROL = Duration.ofSeconds(150);
    private static final Pattern CREATED = Pattern.compile("Enrolment key ([a-z0-9]+) created");
    private static final Pattern ADDRESS = Pattern.compile("\"address\":\"(10\\.64\\.[0-9.]+)\"");

    private final List<KarafProcess> unpacked = new ArrayList<>();
    private boolean passed;

    @After
    public void stopEverything() throws Exception {
        KarafProcess.closeAll(unpacked, passed);
    }

    @Test
    public void anUnenrolledAgentWithOnlyATokenFileEnrolsAndEstablishes() throws Exception {
        long t0 = System.nanoTime();
        int udpPort = KarafProcess.freeUdpPort();
        KarafProcess server = unpack("dtm.distribution", "server").withDemo();
        server.randomRmiPorts().tunnelPort(udpPort);

        String device = "bus-" + Long.toString(System.nanoTime() & 0xffffffL, 36);
        KarafProcess agent = unpack("dtm.agent.distribution", "agent");
        String agentCfg = "etc/net.dtm.agent.cfg";
        // no device key: the agent writes the credential it is given to the default etc/dtm-keys/<device.id>.key
        agent.set(agentCfg, "device.id", device)
                .remove(agentCfg, "device.key.file")
                .set(agentCfg, "enrol.key.file", "enrolment.token")
                .set(agentCfg, "servers", "127.0.0.1:" + udpPort)
                .set(agentCfg, "tunnel.type", "vxlan")
                // a router's own tunnel interface needs root: not what this test is about
                .set("etc/net.dtm.config.cfg", "enabled", "false")
                .set("etc/net.dtm.config.cfg", "vendor", "linux")
                .set("etc/net.dtm.config.cfg", "interface", "dtm0")
                .set("etc/net.dtm.config.cfg", "history.dir", "${karaf.home}/dtm-config");
        for (String link : List.of("5g", "lte")) {
            // two emulated links at 20 % loss each way (the feature's sat link keeps its shipped 50 %)
            String cfg = "etc/net.dtm.link.emulated-" + link + ".cfg";
            agent.set(cfg, "link.id", link).set(cfg, "kind", link).set(cfg, "rtt.ms", "20").set(cfg, "jitter.ms", "0")
                    .set(cfg, "loss.percent", "20").set(cfg, "seed", "0").set(cfg, "bind.host", "127.0.0.1");
        }
        Path tokenFile = agent.home().resolve("etc/enrolment.token");
        Path deviceKey = agent.home().resolve("etc/dtm-keys/" + device + ".key");
        assertFalse("the agent starts unenrolled", Files.exists(deviceKey));

        // The operator makes a single-use key for bus-* and puts its token file on the router.
        server.start();
        server.await("the enrolment service answers", BOOT, "enrolment:list", KarafProcess.Result::ok);
        KarafProcess.Result created = server.client("enrolment:create --label zero-touch-it --devices bus-* --pool demo "
                + "--expires 1h --token-file " + tokenFile);
        Matcher id = CREATED.matcher(created.output());
        assertTrue(created.toString(), created.ok() && id.find());
        String token = Files.readString(tokenFile).trim();
        assertTrue("token file holds a token", token.startsWith("dtmek1-" + id.group(1) + "-"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        assertFalse("the token is printed: " + created, created.output().contains(token));

        agent.start();
        agent.await("the agent's console answers", BOOT, "feature:list -i", KarafProcess.Result::ok);
        KarafProcess.Result links = agent.client("feature:install dtm-link-emulated", BOOT);
        assertTrue(links.toString(), links.ok());
        KarafProcess.Result status = agent.await("the agent enrols and establishes", ENROL, "tunnel:status -j",
                r -> r.ok() && r.output().contains("\"device\":\"" + device + "\"")
                        && r.output().contains("\"state\":\"ESTABLISHED\""));
        double seconds = (System.nanoTime() - t0) / 1e9;
        Matcher address = ADDRESS.matcher(status.output());
        assertTrue("an inner address from the key's pool demo (10.64.0.0/16): " + status, address.find());

        // The server: the device exists, enrolled by its router; the key's one use is spent; the lease is there.
        KarafProcess.Result devices = server.client("device:list -j");
        assertTrue("enrolled by its router: " + devices, devices.ok()
                && devices.output().matches("(?s).*\\{\"id\":\"" + device + "\"[^}]*\"enrolledBy\":\"router\".*"));
        KarafProcess.Result keys = server.client("enrolment:list -j");
        assertTrue(keys.toString(), keys.output().contains("{\"id\":\"" + id.group(1) + "\",\"label\":\"zero-touch-it\","
                + "\"devices\":\"bus-*\",\"pool\":\"demo\",\"uses\":1,\"maxUses\":1,"));
        assertTrue(keys.toString(), keys.output().matches("(?s).*\"id\":\"" + id.group(1) + "\"[^}]*\"state\":\"used-up\".*"));
        KarafProcess.Result lease = server.client("lease:list -j -d " + device);
        assertTrue(lease.toString(), lease.output().contains("\"address\":\"" + address.group(1) + "\""));

        // The router: its own key pair and its device key are mode-600 files; the used-up token is deleted.
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(deviceKey)));
        Path routerKey = agent.home().resolve("etc/dtm-router.key");
        assertTrue("the router's key pair file " + routerKey, Files.isRegularFile(routerKey));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(routerKey)));
        Awaitility.await("the used-up token file deleted").atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(tokenFile));

        // The security log holds the operator's command and the grant, with the key id and the device.
        String security = Files.readString(server.home().resolve("data/log/security.log"));
        assertTrue(security, security.contains("ran: enrolment:create --devices bus-* --expires 1h --label zero-touch-it --pool demo"
                + " --token-file " + tokenFile));
        assertTrue(security, security.matches("(?s).*enrol granted: device=" + device + " key=" + id.group(1) + "\\b.*"));

        // No secret in any log: neither the token nor the device key the agent was given.
        String key = Files.readString(deviceKey).trim();
        assertTrue("a device key in the file", key.length() >= 32);
        for (KarafProcess karaf : List.of(server, agent)) {
            try (Stream<Path> logs = Files.list(karaf.home().resolve("data/log"))) {
                for (Path log : (Iterable<Path>) logs::iterator) {
                    String text = Files.readString(log);
                    assertFalse("the token in " + log, text.contains(token));
                    assertFalse("the token's secret in " + log, text.contains(token.substring(token.indexOf('-', "dtmek1-".length()) + 1)));
                    assertFalse("the device key in " + log, text.toLowerCase(Locale.ROOT).contains(key.toLowerCase(Locale.ROOT)));
                }
            }
        }
        System.out.printf(Locale.ROOT, "zero-touch enrolment: %s enrolled and established, %.1f s from unpacking%n", device, seconds);
        passed = true;
    }

    private KarafProcess unpack(String property, String name) throws Exception {
        KarafProcess karaf = KarafProcess.unpack(Path.of(System.getProperty(property, "missing")),
                Path.of("target", "zero-touch-it", name));
        unpacked.add(karaf);
        return karaf.randomSshPort();
    }
}
