package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * The distribution as an operator runs it: unpacked from the tar.gz, started with {@code bin/start}
 * without a terminal, queried with {@code bin/client} using the credentials created at first start,
 * stopped with {@code bin/stop} (the JVM really exits) and started again over the same data folder.
 * The demo device must get the same address back after that full restart.
 *
 * <p>Runs outside OSGi (plain JUnit 4): it drives the scripts (through {@link KarafProcess}) and
 * reads etc/ and data/log.
 */
public class ScriptsRestartIT {

    private static final Pattern ESTABLISHED = Pattern.compile(
            "tunnel established: device=smr-demo-1 address=(\\S+) server=(\\S+) time=([0-9.]+) ms");
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

    private KarafProcess karaf;
    private Path home;

    @Before
    public void unpack() throws Exception {
        karaf = KarafProcess.unpack(Path.of(System.getProperty("dtm.distribution", "missing")),
                Path.of("target", "scripts-it"));
        home = karaf.home();
        karaf.withDemo().randomSshPort().randomRmiPorts().tunnelPort(KarafProcess.freeUdpPort());
    }

    @After
    public void stopAndKillIfNeeded() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    public void sameAddressAfterFullRestartFromScripts() throws Exception {
        assertTrue("etc/users.properties must ship without an active user",
                Files.readAllLines(home.resolve("etc/users.properties")).stream()
                        .noneMatch(l -> l.matches("^\\s*[^#!_\\s][^=]*=.*")));

        karaf.start();
        Path credentials = home.resolve("etc/dtm-operator.credentials");
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(credentials));
        Properties operator = new Properties();
        try (InputStream in = Files.newInputStream(credentials)) {
            operator.load(in);
        }
        String password = operator.getProperty("password");
        assertTrue("password too short: " + password, password != null && password.length() >= 16);

        String first = awaitEstablishment(1);

        // The operator console works with the generated credentials, and only with them.
        String status = client("admin", password, "tunnel:status");
        assertTrue(status, status.contains("smr-demo-1") && status.contains(first));
        String leases = client("admin", password, "lease:list --device smr-demo-1");
        assertTrue(leases, leases.contains(first));
        String refused = client("admin", "wrong-" + password, "tunnel:status");
        assertTrue(refused, !refused.contains(first));
        assertTrue("password stored in clear in users.properties",
                Files.readString(home.resolve("etc/users.properties")).lines()
                        .filter(l -> l.startsWith("admin")).noneMatch(l -> l.contains(password)));

        // Full stop: the JVM must be gone before starting again (bin/start is a no-op otherwise).
        karaf.stop(Duration.ofSeconds(60));

        karaf.start();
        String second = awaitEstablishment(2);
        assertEquals("demo device address after a full restart", first, second);
        String again = client("admin", password, "lease:list --device smr-demo-1");
        assertTrue(again, again.contains(first));
    }

    /** Waits until the log holds {@code n} establishment lines and returns the address of the last. */
    private String awaitEstablishment(int n) {
        Path log = home.resolve("data/log/karaf.log");
        List<String> addresses = new ArrayList<>();
        Awaitility.await("establishment #" + n + " in " + log).atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    addresses.clear();
                    if (Files.exists(log)) {
                        Matcher m = ESTABLISHED.matcher(Files.readString(log, StandardCharsets.UTF_8));
                        while (m.find()) {
                            addresses.add(m.group(1));
                        }
                    }
                    return addresses.size() >= n;
                });
        return addresses.get(n - 1);
    }

    /** One console command through bin/client (SSH, up to 3 connection attempts); its output. */
    private String client(String user, String password, String command) throws Exception {
        return karaf.client(user, password, command, CLIENT_TIMEOUT, 3).output();
    }
}
