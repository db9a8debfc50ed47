package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.testkit.lease.DeviceKeys;
import net.dtm.testkit.upgrade.BundleJars;
import net.dtm.testkit.upgrade.UpgradeLoad;

/**
 * Issue 16, hot upgrade under load: the server distribution runs with the demo booted
 * ({@link KarafProcess#withDemo()}, as run.sh does: the demo agent {@value #DEMO_DEVICE}, its
 * multi-link transport embedded, over the three emulated lossy links of dtm-link-emulated, pool
 * {@value #DEMO_POOL}), started with {@code bin/start} and driven with {@code bin/client} as an
 * operator does, while {@value #AGENTS} real agents of this
 * JVM (the test kit's {@link AgentFleet}: tunnel agent, multi-link transport, an emulated loopback
 * link each, the agent's own default timeouts) hold leases of {@value #LEASE_SECONDS} s, the
 * shortest a pool allows, so they renew every 30 s. Then EVERY DTM bundle found at run time
 * (symbolic name {@code net.dtm.*}, so new bundles are covered without editing this test) is
 * updated in turn with {@code bundle:update -r <id> <jar>}, the jar being the installed one
 * rewritten with a new {@code Bundle-Version} qualifier ({@link BundleJars}). A new agent starts
 * every {@value #TRICKLE_MS} ms throughout the updates and one more right after each update; the
 * next update waits until every agent holds a confirmed lease again.
 *
 * <p>Asserted from the agents' whole history and the store as left (read with {@code lease:list -j};
 * {@link UpgradeLoad}): no lease lost, no tunnel dropped, no address changed, no address held
 * twice, every agent established; every establishment
 * and renewal answered within the agent's normal retry budget (not one failed attempt: an attempt
 * is the agent's default {@value #ATTEMPT_NOTE}); every DTM bundle at its new version at the end
 * and Active before and after its update (not Waiting: no component of a DTM bundle may wait for a
 * service on this standalone node).
 *
 * <p>The demo agent's tunnel must survive every update with its address: its address is read with
 * {@code tunnel:status -j} once established before the updates and again after each update (once
 * it is ESTABLISHED or RENEWING again), and at the end every {@code tunnel established} line the
 * agent logged for the demo device (data/log) must name that same address. A re-establishment is
 * allowed (updating dtm-agent, or a bundle it is wired to, restarts the agent, which then
 * establishes afresh), but only with the same address: a device's address never changes because
 * a bundle was updated, which is what its lease (held by the server's store, not by the agent)
 * promises. The figures are printed ({@code hot-update:} lines in the test's output file).
 */
public class HotBundleUpdateIT {

    static final int AGENTS = 10;
    /** Devices started during the updates, one every {@value #TRICKLE_MS} ms. */
    static final int TRICKLE = 60;
    static final int TRICKLE_MS = 2000;
    /** Off by default: {@code -Ddtm.hotupdate.sabotage=true} releases one agent's lease mid-run; the test must then fail. */
    static final boolean SABOTAGE = Boolean.getBoolean("dtm.hotupdate.sabotage");
    /**
     * Off by default: {@code -Ddtm.hotupdate.sabotage.demo=true} moves the demo agent's address
     * mid-run (reserves {@value #SABOTAGE_ADDRESS} for it and releases its lease: its next
     * establishment, after an update that restarts it, gets the new address); the test must then fail.
     */
    static final boolean SABOTAGE_DEMO = Boolean.getBoolean("dtm.hotupdate.sabotage.demo");
    static final String SABOTAGE_ADDRESS = "10.64.0.200";
    static final int LEASE_SECONDS = 60;
    static final String POOL = "hot";
    static final String DEMO_DEVICE = "smr-demo-1";
    static final String DEMO_POOL = "demo";
    private static final Pattern DEMO_ESTABLISHED = Pattern.compile(
            "tunnel established: device=" + DEMO_DEVICE + " address=(\\S+) ");
    private static final Pattern STATUS = Pattern.compile(
            "\"device\":\"" + DEMO_DEVICE + "\",\"state\":\"(ESTABLISHED|RENEWING)\",\"address\":\"([^\"]+)\"");
    static final String ATTEMPT_NOTE = "5 s (retransmitting inside), then retries from 0.5 s";
    static final long SEED = 16_0007L;
    static final String SUFFIX = "hot1";
    private static final Pattern ROW = Pattern.compile("^(\\d+)\\s*\\t\\s*(\\w+)\\s*\\t\\s*\\d+\\s*\\t\\s*(\\S+)\\s*\\t\\s*(\\S+)\\s*$");
    private static final Pattern LEASE = Pattern.compile("\\{[^{}]*\\}");
    private static final String ACTIVE = "Active";

    /** A row of {@code bundle:list}: id, state, version, and the last column (symbolic name or location). */
    record Row(long id, String state, String version, String last) {
    }

    private KarafProcess karaf;
    private UpgradeLoad load;
    private boolean passed;

    @After
    public void stop() throws Exception {
        if (load != null) {
            load.close();
        }
        if (karaf != null) {
            KarafProcess.closeAll(List.of(karaf), passed);
        }
    }

    @Test(timeout = 240_000)
    public void everyDtmBundleUpdatedInTurnWhileAgentsEstablishAndRenew() throws Exception {
        long t0 = System.nanoTime();
        int udpPort = KarafProcess.freeUdpPort();
        karaf = KarafProcess.unpack(Path.of(System.getProperty("dtm.distribution", "missing")), Path.of("target", "hot-update-it"));
        karaf.withDemo().randomSshPort().randomRmiPorts().tunnelPort(udpPort)
                .set("etc/net.dtm.http.cfg", "port", Integer.toString(KarafProcess.freeTcpPort()))
                .set("etc/net.dtm.server.cfg", "default.pool", POOL)
                // the demo agent keeps the demo's pool (the load's agents take the default pool)
                .set("etc/net.dtm.agent.cfg", "pool", DEMO_POOL);
        karaf.start();
        karaf.await("pool " + POOL + " created", Duration.ofSeconds(90),
                "pool:create --lease " + LEASE_SECONDS + " --devices \"hot-*\" " + POOL + " 10.77.0.0/16", KarafProcess.Result::ok);

        List<Row> bundles = dtmBundles();
        String demoAddress = demoTunnel("the demo agent established before the updates");
        int demoSeen = demoEstablishments().size();
        List<DeviceId> devices = DeviceKeys.ids("hot", AGENTS + TRICKLE + bundles.size());
        enrol(devices);
        long bootMs = ms(t0);

        load = new UpgradeLoad(devices, d -> DeviceKeys.key(SEED, d),
                List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort)));
        load.phase("baseline");
        load.start(AGENTS, Duration.ofSeconds(4));
        load.awaitStarted(Duration.ofSeconds(30));
        assertTrue("every agent established before the updates", load.awaitAllHolding(Duration.ofSeconds(60)));
        // from now on a new device starts every TRICKLE_MS until the updates end: establishments
        // never stop, and their renewals (every 30 s) are spread over the whole run
        load.start(TRICKLE, Duration.ofMillis((long) TRICKLE * TRICKLE_MS));

        Map<Row, String> newVersions = new LinkedHashMap<>();
        Path jars = karaf.home().getParent().resolve("rebuilt");
        List<String> steps = new ArrayList<>();
        for (Row b : bundles) {
            Path jar = jars.resolve(b.last() + ".jar");
            BundleJars.Identity rebuilt = BundleJars.rewrite(installedJar(b.id()), SUFFIX, jar);
            newVersions.put(b, rebuilt.version());
            load.phase("update " + b.last());
            long u0 = System.nanoTime();
            // the update and a first look at the bundle in one console session (each bin/client is a JVM start)
            KarafProcess.Result r = karaf.client("bundle:update -r " + b.id() + " " + jar.toUri()
                    + "\nbundle:list -t 0 --no-format -s");
            assertTrue("bundle:update of " + b.last() + ": " + r, r.ok());
            long updateMs = ms(u0);
            if (!upgraded(r.output(), b, rebuilt.version())) {
                karaf.await(b.last() + " " + ACTIVE + " with " + rebuilt.version(), Duration.ofSeconds(30),
                        "bundle:list -t 0 --no-format -s", l -> upgraded(l.output(), b, rebuilt.version()));
            }
            load.start(1, Duration.ZERO);   // one more device establishes right after the update
            boolean all = load.awaitAllHolding(Duration.ofSeconds(45));
            long holdingMs = ms(u0);
            String demoNow = demoTunnel("the demo agent established after updating " + b.last());
            int demoCount = demoEstablishments().size();
            steps.add(String.format(Locale.ROOT, "%s %s->%s update %d ms, all agents holding again after %d ms, demo tunnel %s%s",
                    b.last(), b.version(), rebuilt.version(), updateMs, holdingMs, demoNow,
                    demoCount > demoSeen ? " (re-established " + (demoCount - demoSeen) + "x)" : " (kept)"));
            demoSeen = demoCount;
            assertTrue("agents not all holding a confirmed lease 45 s after updating " + b.last() + "\n"
                    + String.join("\n", steps) + "\n" + karaf.logTail(60), all);
            assertEquals("the demo agent's address after updating " + b.last(), demoAddress, demoNow);
            if (SABOTAGE && steps.size() == bundles.size() / 2) {
                // the switch that shows the test can fail: an operator release of a held lease
                // mid-run (the agent's next renewal is refused: lost, dropped, a new address)
                assertTrue(karaf.client("lease:release " + POOL + " " + devices.get(0).value()).ok());
            }
            if (SABOTAGE_DEMO && steps.size() == bundles.size() / 2) {
                KarafProcess.Result moved = karaf.client("lease:reserve " + DEMO_POOL + " " + DEMO_DEVICE + " " + SABOTAGE_ADDRESS
                        + "\nlease:release " + DEMO_POOL + " " + DEMO_DEVICE);
                assertTrue(moved.toString(), moved.ok());
            }
        }
        load.stopStarting();
        load.phase("after");
        assertTrue("every agent holding at the end", load.awaitAllHolding(Duration.ofSeconds(30)));
        UpgradeLoad.Verdict verdict = load.finish(() -> leases(karaf.client("lease:list -j -n 10000 -p " + POOL).output()));

        List<String> demoAddresses = demoEstablishments();
        List<Row> after = rows(karaf.client("bundle:list -t 0 --no-format -s").output());
        List<String> notUpgraded = new ArrayList<>();
        for (Map.Entry<Row, String> v : newVersions.entrySet()) {
            Row now = after.stream().filter(x -> x.id() == v.getKey().id()).findFirst().orElse(null);
            if (now == null || !now.state().equals(ACTIVE) || !now.version().equals(v.getValue())) {
                notUpgraded.add(v.getKey().last() + " expected " + ACTIVE + " " + v.getValue() + ", is " + now);
            }
        }
        System.out.printf(Locale.ROOT, "hot-update: %d DTM bundles updated in turn, lease %d s, boot+setup %d ms, run %d ms"
                        + "%nhot-update: %s%nhot-update: %s%nhot-update: demo agent %s: %d establishment(s), addresses %s"
                        + "%nhot-update: RESULT bundles=%d not_upgraded=%d demo_establishments=%d demo_address_changes=%d %s%n",
                bundles.size(), LEASE_SECONDS, bootMs, ms(t0), String.join("\nhot-update: ", steps),
                verdict.report().figures().replace("\n", "\nhot-update: "), DEMO_DEVICE, demoAddresses.size(),
                demoAddresses, bundles.size(), notUpgraded.size(), demoAddresses.size(),
                demoAddresses.stream().filter(a -> !a.equals(demoAddress)).count(), verdict.result());
        Files.createDirectories(Path.of("target"));
        load.history().write(Path.of("target", "hot-update-history.txt"));

        assertTrue("bundles not Active at their new version: " + notUpgraded, notUpgraded.isEmpty());
        assertTrue("the demo agent logged no establishment", !demoAddresses.isEmpty());
        assertEquals("every establishment of the demo agent at its first address",
                List.of(), demoAddresses.stream().filter(a -> !a.equals(demoAddress)).toList());
        assertEquals("what the updates did to agents (" + verdict.result() + ")", List.of(), verdict.violations());
        assertTrue("renewals happened during the updates: " + verdict.result(), verdict.report().renewals() > 0);
        passed = true;
    }

    /**
     * Every installed bundle whose symbolic name starts with {@code net.dtm.}, in id order, once
     * every one is Active (Karaf says Waiting for an active bundle whose component waits for a
     * service: not accepted).
     */
    private List<Row> dtmBundles() throws Exception {
        List<Row> out = new ArrayList<>();
        karaf.await("DTM bundles started", Duration.ofSeconds(60), "bundle:list -t 0 --no-format -s", l -> {
            out.clear();
            rows(l.output()).stream().filter(r -> r.last().startsWith("net.dtm.")).forEach(out::add);
            return !out.isEmpty() && out.stream().allMatch(r -> r.state().equals(ACTIVE));
        });
        return out;
    }

    /** The demo agent's inner address, once {@code tunnel:status -j} shows it ESTABLISHED or RENEWING. */
    private String demoTunnel(String what) throws Exception {
        KarafProcess.Result r = karaf.await(what, Duration.ofSeconds(45), "tunnel:status -j",
                l -> l.ok() && STATUS.matcher(l.output()).find());
        Matcher m = STATUS.matcher(r.output());
        assertTrue(r.toString(), m.find());
        return m.group(2);
    }

    /** The address of every {@code tunnel established} line the agent logged for the demo device, oldest first. */
    private List<String> demoEstablishments() throws IOException {
        List<String> out = new ArrayList<>();
        Path logs = karaf.home().resolve("data/log");
        List<Path> files;
        try (var s = Files.list(logs)) {
            // karaf.log.N are older than karaf.log; the higher N, the older
            files = s.filter(f -> f.getFileName().toString().matches("karaf\\.log(\\.\\d+)?"))
                    .sorted(java.util.Comparator.comparing((Path f) -> rollIndex(f)).reversed()).toList();
        }
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                Matcher m = DEMO_ESTABLISHED.matcher(line);
                if (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    private static int rollIndex(Path log) {
        String n = log.getFileName().toString();
        return n.equals("karaf.log") ? 0 : Integer.parseInt(n.substring("karaf.log.".length()));
    }

    /** The jar a bundle was installed from: its mvn: location resolved in the distribution's system/ folder. */
    private Path installedJar(long id) throws Exception {
        String location = rows(karaf.client("bundle:list -t 0 --no-format -l").output()).stream()
                .filter(r -> r.id() == id).findFirst().orElseThrow(() -> new AssertionError("no bundle " + id)).last();
        Matcher m = Pattern.compile("mvn:([^/]+)/([^/]+)/([^/]+)").matcher(location);
        if (location.startsWith("file:")) {
            return Path.of(java.net.URI.create(location));
        }
        if (!m.matches()) {
            throw new AssertionError("bundle " + id + " installed from " + location + ": not a plain mvn: location");
        }
        Path jar = karaf.home().resolve("system").resolve(m.group(1).replace('.', '/')).resolve(m.group(2))
                .resolve(m.group(3)).resolve(m.group(2) + "-" + m.group(3) + ".jar");
        assertTrue(jar + " missing", Files.isRegularFile(jar));
        return jar;
    }

    /** Enrols {@code devices} with their seed keys, given in key files (mode 600), in one console session. */
    private void enrol(List<DeviceId> devices) throws Exception {
        Path keys = Files.createDirectories(karaf.home().getParent().resolve("keys"));
        StringBuilder commands = new StringBuilder();
        for (DeviceId d : devices) {
            Path file = keys.resolve(d.value() + ".key");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, HexFormat.of().formatHex(DeviceKeys.key(SEED, d)) + "\n");
            commands.append(commands.length() == 0 ? "" : "\n").append("device:add --key-file ").append(file).append(' ')
                    .append(d.value());
        }
        KarafProcess.Result r = karaf.client(commands.toString());
        long enrolled = r.output().lines().filter(l -> l.contains(" enrolled at ")).count();
        assertEquals("devices enrolled: " + r, devices.size(), enrolled);
    }

    /** True if the list shows bundle {@code before} Active at {@code version}. */
    private static boolean upgraded(String bundleList, Row before, String version) {
        return rows(bundleList).stream().anyMatch(x -> x.id() == before.id() && x.state().equals(ACTIVE)
                && x.version().equals(version));
    }

    static List<Row> rows(String output) {
        List<Row> out = new ArrayList<>();
        for (String line : output.split("\\R")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                out.add(new Row(Long.parseLong(m.group(1)), m.group(2), m.group(3), m.group(4)));
            }
        }
        return out;
    }

    /** The leases of {@code lease:list -j} (flat objects: pool, device, address, state, sequence, expires, node, reserved). */
    static List<Lease> leases(String json) throws IOException {
        List<Lease> out = new ArrayList<>();
        Matcher m = LEASE.matcher(json);
        while (m.find()) {
            String o = m.group();
            out.add(new Lease(field(o, "pool"), DeviceId.of(field(o, "device")), InetAddress.getByName(field(o, "address")),
                    LeaseState.valueOf(field(o, "state")), Long.parseLong(field(o, "sequence")),
                    Instant.parse(field(o, "expires")), field(o, "node"), Boolean.parseBoolean(field(o, "reserved"))));
        }
        return out;
    }

    private static String field(String object, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(?:\"([^\"]*)\"|([^,}\\s]+))").matcher(object);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + object);
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
