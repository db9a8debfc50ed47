package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import net.dtm.testkit.cluster.Teardown;
import net.dtm.testkit.upgrade.BundleJars;

/**
 * Safe defaults and upgrades of the server distribution as an operator runs it (scripts, etc/ files,
 * {@code bin/client}; plain JUnit 4 outside OSGi, through {@link KarafProcess}): the Derby database
 * lives outside {@code data/}, so leases survive what {@code bin/karaf clean} does (data/ deleted
 * while the node is stopped); the distribution boots no demo; and {@code bin/dtm-upgrade} to a
 * rebuilt distribution (every DTM bundle's {@code Bundle-Version} qualifier changed, and two
 * shipped etc/ files changed) keeps the operator's etc/ edits, the features installed and every
 * lease.
 */
public class UpgradeIT {

    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final String SUFFIX = "up1";
    /** One row of lease:list: pool | device | address | state | reserved. */
    private static final Pattern LEASE_ROW = Pattern.compile(
            "(?m)^(\\S+)\\s*\\|\\s*(\\S+)\\s*\\|\\s*(\\S+)\\s*\\|\\s*([A-Z_]+)\\s*\\|\\s*(yes|no)\\s*\\|");

    private final List<KarafProcess> unpacked = new ArrayList<>();
    private boolean passed;
    private int udpPort;

    @Before
    public void port() throws IOException {
        udpPort = KarafProcess.freeUdpPort();
    }

    @After
    public void stopAll() throws Exception {
        KarafProcess.closeAll(unpacked, passed);
    }

    @Test
    public void leasesSurviveWhatKarafCleanDeletes() throws Exception {
        KarafProcess karaf = node(Path.of(System.getProperty("dtm.distribution", "missing")), "clean").withDemo();
        karaf.start();
        awaitLeases(karaf, "the demo device's lease", rows -> rows.stream()
                .anyMatch(r -> r.startsWith("demo|smr-demo-1|") && r.endsWith("|BOUND|no")));
        // the demo's lease alone would come back by itself (bootstrap and the pool's first address):
        // a reservation would not
        assertTrue(karaf.client("lease:reserve demo bus-7 10.64.3.7").ok());
        Set<String> before = awaitLeases(karaf, "the reservation", rows -> rows.size() == 2);
        assertTrue("the database outside data/", Files.isDirectory(karaf.home().resolve("dtm/derby")));
        assertFalse(Files.exists(karaf.home().resolve("data/dtm")));

        // bin/karaf clean: data/ deleted, the node started again
        karaf.stop(Duration.ofSeconds(60));
        Teardown.deleteTree(karaf.home().resolve("data"));
        karaf.start();
        Set<String> after = awaitLeases(karaf, "the leases after data/ was deleted",
                rows -> addresses(rows).containsAll(addresses(before)));
        assertTrue(after.toString(), addresses(after).containsAll(addresses(before)));
        passed = true;
    }

    @Test
    public void upgradeKeepsEditedEtcInstalledFeaturesAndEveryLease() throws Exception {
        Path distribution = Path.of(System.getProperty("dtm.distribution", "missing"));
        KarafProcess karaf = node(distribution, "upgrade");
        // the operator's edits: a shipped file changed (the port of every file below is one), a pool
        // defined in a new file, a shipped default changed
        karaf.set("etc/net.dtm.pool.define-fleet.cfg", "name", "fleet")
                .set("etc/net.dtm.pool.define-fleet.cfg", "prefix", "10.80.0.0/16")
                .set("etc/net.dtm.pool.define-fleet.cfg", "lease.seconds", "7200")
                .set("etc/net.dtm.pool.cfg", "lock.seconds", "45")
                // the demo agent's settings, as run.sh writes them: dtm-demo, installed below at run
                // time, then appends nothing to net.dtm.agent.cfg, which holds this test's port
                .demoAgent();
        Path rebuilt = rebuilt(distribution, karaf.home().getParent().resolve("rebuilt"));

        karaf.start();
        KarafProcess.Result pools = karaf.await("the operator's pool", BOOT, "pool:list",
                r -> r.ok() && r.output().contains("fleet"));
        assertFalse("the distribution boots no demo pool: " + pools, pools.output().contains("demo"));
        assertFalse("nor a demo device", karaf.client("device:list").output().contains("smr-demo-1"));

        // leases: the demo's bound one (dtm-demo installed at run time), and two reserved ones
        assertTrue(karaf.client("feature:install dtm-demo", BOOT).ok());
        assertTrue(karaf.client("lease:reserve fleet bus-1 10.80.0.10").ok());
        assertTrue(karaf.client("lease:reserve fleet bus-2 10.80.0.11").ok());
        Set<String> before = awaitLeases(karaf, "the demo lease and the reservations", rows -> rows.size() == 3
                && rows.stream().anyMatch(r -> r.startsWith("demo|smr-demo-1|") && r.endsWith("|BOUND|no")));

        KarafProcess.Result upgrade = karaf.script(Duration.ofSeconds(120), "bin/dtm-upgrade", rebuilt.toString());
        assertEquals(upgrade.output(), 0, upgrade.exitCode());

        // the new version runs: its bundles, the operator's etc/, the features, every lease
        karaf.await("the rebuilt bundles run", BOOT, "bundle:list -s -t 0 | grep net.dtm.dtm-server",
                r -> r.ok() && r.output().contains("-" + SUFFIX));
        Set<String> after = awaitLeases(karaf, "every lease after the upgrade",
                rows -> addresses(rows).containsAll(addresses(before)));
        assertEquals(after.toString(), addresses(before), addresses(after));
        Path etc = karaf.home().resolve("etc");
        assertTrue(Files.readString(etc.resolve("net.dtm.server.cfg")).contains("bind.port = " + udpPort));
        assertTrue(Files.readString(etc.resolve("net.dtm.pool.cfg")).contains("lock.seconds = 45"));
        assertTrue(Files.readString(etc.resolve("net.dtm.pool.define-fleet.cfg")).contains("lease.seconds = 7200"));
        // both changed net.dtm.server.cfg: the operator's stays, the new one waits beside it; a file
        // only the new version changed is the new version's
        assertTrue(Files.readString(etc.resolve("net.dtm.server.cfg.dtm-new")).contains("# rebuilt"));
        assertTrue(upgrade.output(), upgrade.output().contains("etc/net.dtm.server.cfg"));
        assertTrue(Files.readString(etc.resolve("net.dtm.store.cfg")).contains("# rebuilt"));
        assertTrue(karaf.await("the pool edit serves", BOOT, "pool:list", r -> r.ok()
                && r.output().matches("(?s).*fleet\\s*\\|\\s*10\\.80\\.0\\.0/16\\s*\\|\\s*\\S+\\s*\\|\\s*7200\\s*\\|.*")).ok());
        // dtm-demo, installed at run time, is installed again: the demo device establishes again
        karaf.await("the demo agent after the upgrade", BOOT, "tunnel:status",
                r -> r.ok() && r.output().contains("smr-demo-1") && r.output().contains("ESTABLISHED"));
        passed = true;
    }

    /** A server distribution unpacked with free ports and the UDP port of this test. */
    private KarafProcess node(Path distribution, String name) throws Exception {
        KarafProcess karaf = KarafProcess.unpack(distribution, Path.of("target", "upgrade-it", name));
        unpacked.add(karaf);
        karaf.randomSshPort().randomRmiPorts().tunnelPort(udpPort)
                .set("etc/net.dtm.http.cfg", "port", Integer.toString(KarafProcess.freeTcpPort()));
        return karaf;
    }

    /**
     * A copy of {@code distribution} as a new release would be: every DTM bundle under system/ with
     * its Bundle-Version qualifier extended, and two shipped etc/ files changed (one the operator
     * edits, one he does not).
     */
    private static Path rebuilt(Path distribution, Path dir) throws Exception {
        KarafProcess copy = KarafProcess.unpack(distribution, dir);
        Path home = copy.home();
        List<Path> jars;
        try (Stream<Path> files = Files.walk(home.resolve("system/net/dtm"))) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        for (Path jar : jars) {
            Path out = jar.resolveSibling(jar.getFileName() + ".rebuilt");
            BundleJars.rewrite(jar, SUFFIX, out);
            Files.move(out, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue("DTM bundles rebuilt: " + jars.size(), jars.size() > 10);
        for (String file : List.of("etc/net.dtm.server.cfg", "etc/net.dtm.store.cfg")) {
            for (Path edited : List.of(home.resolve(file), home.resolve(".dtm-shipped").resolve(file))) {
                Files.writeString(edited, "# rebuilt\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            }
        }
        Path tarGz = dir.resolve("dtm-rebuilt.tar.gz");
        Process tar = new ProcessBuilder("tar", "czf", tarGz.toString(), "-C", home.getParent().toString(),
                home.getFileName().toString()).inheritIO().start();
        assertEquals("tar of the rebuilt distribution", 0, tar.waitFor());
        return tarGz;
    }

    /** Polls lease:list until {@code done} holds for its rows ("pool|device|address|state|reserved"). */
    private static Set<String> awaitLeases(KarafProcess karaf, String what,
            java.util.function.Predicate<Set<String>> done) {
        return rows(karaf.await(what, BOOT, "lease:list", r -> r.ok() && done.test(rows(r))));
    }

    private static Set<String> rows(KarafProcess.Result result) {
        Set<String> rows = new TreeSet<>();
        Matcher m = LEASE_ROW.matcher(result.output());
        while (m.find()) {
            if (!m.group(1).equals("Pool")) {
                rows.add(m.group(1) + "|" + m.group(2) + "|" + m.group(3) + "|" + m.group(4) + "|" + m.group(5));
            }
        }
        return rows;
    }

    /** The rows without their state: pool|device|address|reserved (the lease, whatever it is doing). */
    private static Set<String> addresses(Set<String> rows) {
        Set<String> out = new TreeSet<>();
        for (String row : rows) {
            String[] f = row.split("\\|");
            out.add(f[0] + "|" + f[1] + "|" + f[2] + "|" + f[4]);
        }
        return out;
    }
}
