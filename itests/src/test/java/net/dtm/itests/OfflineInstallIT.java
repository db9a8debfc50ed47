package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Test;

/**
 * Both distributions install their DTM features with no Maven repository to fall back on, as on a
 * router or a node without internet access: each is unpacked, its Maven resolution is restricted
 * to its own system/ folder (offline, no remote repositories, an empty local repository and an
 * empty user home), it is started with {@code bin/start}, and every DTM feature meant for it is
 * installed with {@code feature:install} through {@code bin/client}.
 *
 * <p>The features to install are read from the running distribution's DTM features repository,
 * so a new {@code dtm-link-*} or {@code dtm-vendor-*} feature is covered without an edit here. A
 * feature whose bundles are not in system/ must fail to install: that proves resolution really
 * was offline.
 *
 * <p>Plain JUnit 4 driving real processes (like {@link ScriptsRestartIT}); nothing runs in OSGi.
 */
public class OfflineInstallIT {

    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration INSTALL = Duration.ofSeconds(120);

    /**
     * DTM features a router runs: the agent side, link drivers, configuration, vendor adapters, shell,
     * and the operations features both distributions boot (HTTP API, metrics, dashboard).
     */
    private static final Predicate<String> ROUTER_FEATURE = Pattern
            .compile("dtm-api|dtm-agent|dtm-config|dtm-config-ssh|dtm-shell|dtm-link-.+|dtm-vendor-.+"
                    + "|dtm-http|dtm-rest|dtm-metrics|dtm-dashboard").asMatchPredicate();

    /**
     * What the agent distribution must neither carry in system/ nor run. Jackson (dtm-http, dtm-rest) and
     * jsr305 (Prometheus, dtm-metrics) are not in it: the agent distribution boots the operations features.
     */
    private static final List<String> NOT_ON_A_ROUTER = List.of("derby", "zookeeper", "curator", "netty", "guava",
            "failureaccess", "dtm-server", "dtm-pool", "dtm-store");

    /** Vendor adapters the agent distribution boots. */
    private static final List<String> ROUTER_VENDORS = List.of("linux", "openwrt", "cisco-ios", "huawei-vrp", "mikrotik");

    /** A standard Karaf feature neither distribution carries: it must fail to install offline. */
    private static final String NOT_CARRIED = "obr";

    private final List<KarafProcess> unpacked = new ArrayList<>();
    /** Set as a test's last statement: a passed run's folders are deleted, a failed run's kept. */
    private boolean passed;

    @After
    public void stopEverything() throws Exception {
        KarafProcess.closeAll(unpacked, passed);
    }

    @Test
    public void serverDistributionInstallsEveryDtmFeatureOffline() throws Exception {
        KarafProcess karaf = offline(System.getProperty("dtm.distribution", "missing"), "server");
        int udpPort = KarafProcess.freeUdpPort();
        karaf.withDemo().set("etc/net.dtm.server.cfg", "bind.port", Integer.toString(udpPort));
        karaf.set("etc/net.dtm.agent.cfg", "servers", "127.0.0.1:" + udpPort);

        long t0 = System.nanoTime();
        karaf.start();
        karaf.await("the demo agent answers", BOOT, "tunnel:status", r -> r.ok() && r.output().contains("smr-demo-1"));
        double bootSeconds = (System.nanoTime() - t0) / 1e9;
        assertFirstBootRefreshedNothing(karaf);

        Map<String, String> dtm = dtmFeatures(karaf);
        assertTrue("dtm features known: " + dtm.keySet(), dtm.keySet().containsAll(Set.of("dtm-server", "dtm-agent",
                "dtm-store-derby", "dtm-store-zookeeper", "dtm-link-emulated", "dtm-link-cellular", "dtm-link-satellite",
                "dtm-config", "dtm-vendor-linux", "dtm-shell")));
        double installSeconds = installAll(karaf, dtm.keySet());

        assertNotInstallable(karaf, NOT_CARRIED);
        assertNothingDownloaded(karaf);
        System.out.printf(Locale.ROOT, "server distribution: boot-to-ready %.1f s, feature:install of %d features %.1f s%n",
                bootSeconds, dtm.size(), installSeconds);
        passed = true;
    }

    @Test
    public void agentDistributionInstallsEveryRouterFeatureOfflineAndCarriesNoServerSide() throws Exception {
        KarafProcess karaf = offline(System.getProperty("dtm.agent.distribution", "missing"), "agent");
        assertSystemFolderCarriesNothingOf(karaf, NOT_ON_A_ROUTER);
        // The demo's three emulated links (dtm-link-emulated ships none; the server side's dtm-demo
        // does): they serve once the feature is installed below.
        for (String[] link : new String[][] {{"5g", "5g", "20"}, {"lte", "lte", "40"}, {"sat", "satellite", "600"}}) {
            String cfg = "etc/net.dtm.link.emulated-" + link[0] + ".cfg";
            karaf.set(cfg, "link.id", link[0]).set(cfg, "kind", link[1]).set(cfg, "rtt.ms", link[2])
                    .set(cfg, "loss.percent", "50").set(cfg, "bind.host", "127.0.0.1");
        }

        long t0 = System.nanoTime();
        karaf.start();
        KarafProcess.Result status = karaf.await("tunnel:status answers", BOOT, "tunnel:status",
                r -> r.ok() && r.output().contains("smr-demo-1"));
        double bootSeconds = (System.nanoTime() - t0) / 1e9;
        assertFirstBootRefreshedNothing(karaf);
        assertTrue(status.toString(), status.output().matches("(?s).*smr-demo-1\\s*\\|\\s*[A-Z_]+\\s*\\|.*"));
        // scr:list prints to the console only when piped.
        KarafProcess.Result scr = karaf.client("scr:list | grep -A 1 net.dtm.agent.AgentComponent");
        assertTrue("agent component not active: " + scr, scr.output().contains("State:ACTIVE"));
        assertNoBundleOf(karaf, NOT_ON_A_ROUTER);
        // Every adapter a router may need is booted: the SSH ones idle until net.dtm.config names a host.
        karaf.await("vendor:list shows the " + ROUTER_VENDORS + " adapters", BOOT, "vendor:list",
                r -> r.ok() && ROUTER_VENDORS.stream().allMatch(v -> r.output().matches("(?s).*(^|\\n)\\s*" + v + "\\s.*")));

        Map<String, String> dtm = dtmFeatures(karaf);
        Set<String> router = dtm.keySet().stream().filter(ROUTER_FEATURE).collect(Collectors.toCollection(TreeSet::new));
        assertTrue("router features known: " + router, router.containsAll(Set.of("dtm-agent", "dtm-shell", "dtm-config",
                "dtm-link-cellular", "dtm-link-satellite", "dtm-link-emulated", "dtm-vendor-linux", "dtm-vendor-openwrt",
                "dtm-vendor-cisco-ios", "dtm-vendor-huawei-vrp", "dtm-vendor-mikrotik", "dtm-config-ssh",
                "dtm-http", "dtm-rest", "dtm-metrics", "dtm-dashboard")));
        // Emulated links are for labs: carried, not booted.
        assertEquals("dtm-link-emulated state at boot", "Uninstalled", dtm.get("dtm-link-emulated"));

        // Before anything is installed: the server side is not carried, so it cannot come in.
        assertNotInstallable(karaf, "dtm-server");
        assertNotInstallable(karaf, NOT_CARRIED);

        // JMX is not booted but carried; its RMI ports must not collide with anything else here.
        Set<String> withManagement = new TreeSet<>(router);
        withManagement.add("management");
        double installSeconds = installAll(karaf, withManagement);

        // The emulated links really serve the agent once installed.
        karaf.await("the emulated links reach the agent", Duration.ofSeconds(60), "link:list",
                r -> r.ok() && r.output().contains("5g") && r.output().contains("lte") && r.output().contains("sat"));
        assertNoBundleOf(karaf, NOT_ON_A_ROUTER);
        assertTrue(karaf.client("tunnel:status").output().contains("smr-demo-1"));
        assertNothingDownloaded(karaf);
        System.out.printf(Locale.ROOT, "agent distribution: boot-to-ready %.1f s, feature:install of %d features %.1f s%n",
                bootSeconds, withManagement.size(), installSeconds);
        passed = true;
    }

    /**
     * The first boot installs the boot features without stopping and restarting pax-logging and the
     * bundles wired to it (EventAdmin, which pax-logging-api imports optionally, is a startup bundle).
     * That refresh sometimes never finished, leaving a fresh node hung at start.
     */
    private static void assertFirstBootRefreshedNothing(KarafProcess karaf) throws IOException {
        List<String> log = Files.readAllLines(karaf.home().resolve("data/log/karaf.log"));
        List<String> stopped = log.stream().filter(l -> l.contains("Disabling SLF4J API support")).toList();
        assertTrue("the first boot stopped pax-logging for a refresh: " + stopped, stopped.isEmpty());
    }

    /**
     * Unpacks a distribution and takes Maven away from it: only its system/ folder may serve
     * artifacts. Random ports for everything that listens.
     */
    private KarafProcess offline(String tarGz, String name) throws Exception {
        KarafProcess karaf = KarafProcess.unpack(Path.of(tarGz), Path.of("target", "offline-it", name));
        unpacked.add(karaf);
        Path empty = Files.createDirectories(karaf.home().resolveSibling("empty"));
        Path localRepository = Files.createDirectories(empty.resolve("m2-repository"));
        Path settings = empty.resolve("settings.xml");
        Files.writeString(settings, "<settings/>\n");
        String mvn = "etc/org.ops4j.pax.url.mvn.cfg";
        karaf.set(mvn, "org.ops4j.pax.url.mvn.repositories", "")
                .set(mvn, "org.ops4j.pax.url.mvn.defaultRepositories", "file:${karaf.home}/system@id=system.repository@snapshots")
                .set(mvn, "org.ops4j.pax.url.mvn.localRepository", localRepository.toString())
                .set(mvn, "org.ops4j.pax.url.mvn.settings", settings.toString())
                .set(mvn, "org.ops4j.pax.url.mvn.offline", "true")
                .set(mvn, "org.ops4j.pax.url.mvn.useFallbackRepositories", "false")
                // No ~/.m2 of the user running the test either.
                .env("EXTRA_JAVA_OPTS", "-Duser.home=" + Files.createDirectories(empty.resolve("home")));
        karaf.randomSshPort();
        // Written before first start so that the management feature, booted or installed later,
        // keeps this configuration instead of its defaults (1099, 44444).
        String management = "etc/org.apache.karaf.management.cfg";
        karaf.set(management, "rmiRegistryHost", "127.0.0.1")
                .set(management, "rmiRegistryPort", Integer.toString(KarafProcess.freeTcpPort()))
                .set(management, "rmiServerHost", "127.0.0.1")
                .set(management, "rmiServerPort", Integer.toString(KarafProcess.freeTcpPort()))
                .set(management, "jmxRealm", "karaf")
                .set(management, "serviceUrl",
                        "service:jmx:rmi://${rmiServerHost}:${rmiServerPort}/jndi/rmi://${rmiRegistryHost}:${rmiRegistryPort}/karaf-${karaf.name}")
                .set(management, "daemon", "true")
                .set(management, "threaded", "true")
                .set(management, "objectName", "connector:name=rmi");
        return karaf;
    }

    /** Name to state ("Started", "Uninstalled", ...) of every feature of the DTM repository. */
    private static Map<String, String> dtmFeatures(KarafProcess karaf) throws Exception {
        KarafProcess.Result list = karaf.client("feature:list");
        assertTrue(list.toString(), list.ok());
        Map<String, String> features = new LinkedHashMap<>();
        for (String line : list.output().split("\\R")) {
            String[] columns = line.split("\\|");
            if (columns.length >= 5 && columns[4].trim().startsWith("dtm-")) {
                features.put(columns[0].trim(), columns[3].trim());
            }
        }
        assertFalse("no DTM features repository: " + list, features.isEmpty());
        return features;
    }

    /** feature:install of each, one console call each; all must succeed and be listed as started. */
    private static double installAll(KarafProcess karaf, Set<String> names) throws Exception {
        long t0 = System.nanoTime();
        for (String name : names) {
            KarafProcess.Result result = karaf.client("feature:install " + name, INSTALL);
            assertTrue("feature:install " + name + " failed offline: " + result + "\nlog tail:\n" + karaf.logTail(30),
                    result.ok());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        KarafProcess.Result installed = karaf.client("feature:list -i");
        for (String name : names) {
            assertTrue(name + " not started: " + installed, Pattern.compile("(?m)^" + Pattern.quote(name)
                    + "\\s*\\|[^|]*\\|[^|]*\\|\\s*Started\\s*\\|").matcher(installed.output()).find());
        }
        return seconds;
    }

    private static void assertNotInstallable(KarafProcess karaf, String feature) throws Exception {
        KarafProcess.Result result = karaf.client("feature:install " + feature, INSTALL);
        assertFalse("feature:install " + feature + " succeeded although its bundles are not in system/ and Maven is"
                + " offline: resolution is not restricted to system/\n" + result, result.ok());
        assertFalse(feature + " listed as installed after a failed install",
                Pattern.compile("(?m)^" + Pattern.quote(feature) + "\\s*\\|").matcher(karaf.client("feature:list -i").output())
                        .find());
    }

    private static void assertNoBundleOf(KarafProcess karaf, List<String> names) throws Exception {
        KarafProcess.Result bundles = karaf.client("bundle:list -t 0 -s");
        assertTrue(bundles.toString(), bundles.ok() && bundles.output().contains("net.dtm.dtm-agent"));
        String lower = bundles.output().toLowerCase(Locale.ROOT);
        for (String name : names) {
            assertFalse("bundle " + name + " runs on the agent distribution:\n" + bundles.output(), lower.contains(name));
        }
    }

    private static void assertSystemFolderCarriesNothingOf(KarafProcess karaf, List<String> names) throws IOException {
        try (Stream<Path> files = Files.walk(karaf.home().resolve("system"))) {
            List<String> carried = files.filter(Files::isRegularFile).map(p -> karaf.home().relativize(p).toString())
                    .filter(p -> names.stream().anyMatch(p.toLowerCase(Locale.ROOT)::contains)).collect(Collectors.toList());
            assertEquals("system/ of the agent distribution carries server-side artifacts", List.of(), carried);
        }
    }

    /** Everything came from system/: the empty local repository is still empty of artifacts. */
    private static void assertNothingDownloaded(KarafProcess karaf) throws IOException {
        Path localRepository = karaf.home().resolveSibling("empty").resolve("m2-repository");
        try (Stream<Path> files = Files.walk(localRepository)) {
            List<Path> artifacts = files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".jar") || p.toString().endsWith(".xml")).collect(Collectors.toList());
            assertEquals("artifacts fetched into the local repository", List.of(), artifacts);
        }
    }
}
