package net.dtm.testkit.dataplane;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The data plane for real, end to end, with the shipped distributions: the server distribution
 * (standalone node, tunnel gateway by {@code etc/net.dtm.gateway.cfg}, its demo agent and emulated
 * links left out of the first start) in one network namespace, the agent distribution (three
 * cellular links on veth interfaces, the configuration module building {@code dtm0} through the
 * Linux adapter) in another. Three veth pairs join them, one /30 each; the router routes each link's
 * source address out of its own veth (one routing table per link, as a router with several modems
 * does), the server answers on {@value #SERVER_IP} (its loopback). nftables in the server namespace
 * drops a share of the CONTROL datagrams (UDP {@value #CONTROL_PORT}) each way on every veth, so the
 * control plane works through loss while pings measure the tunnel itself.
 *
 * <p>The steps ({@link #establish()}, {@link #failCarryingLink()}, {@link #badEndpointRollsBack()},
 * {@link #killDuringApply()}) run in that order and return what they observed; the system test
 * asserts on it, the data-plane benchmark prints it. Every wait polls with a deadline and fails with
 * both nodes' logs. {@link #close()} kills both Karaf JVMs and deletes the namespaces (a JVM
 * shutdown hook does the same if this process is stopped first); {@link #removeLeftovers()} removes
 * what an earlier run whose JVM is gone left behind.
 */
public final class DataPlaneLab implements AutoCloseable {

    /** The server's address: control endpoint and tunnel endpoint. */
    public static final String SERVER_IP = "10.99.0.1";
    /** A tunnel endpoint the router has a route to but nothing answers on (for the bad parameter). */
    public static final String NOWHERE = "10.99.0.9";
    /** A second such endpoint: new parameters the router has not refused before (step d). */
    public static final String NOWHERE_TOO = "10.99.0.8";
    public static final int CONTROL_PORT = 47800;
    public static final int VXLAN_PORT = 4789;
    public static final String DEVICE = "smr-dp-1";
    /** The pool's gateway address: the core end's inner address. */
    public static final String GATEWAY_INNER = "10.64.0.1";
    public static final int LINKS = 3;
    /** The shortest lease a pool accepts: renewals every 15 to 30 s. */
    static final String POOL = "demo=10.64.0.0/16,60";
    static final String SERVER_CFG = "etc/net.dtm.server.cfg";

    /** Namespaces of this lab: dtm-dr-PID-HEX (router), dtm-dg-PID-HEX (gateway). */
    static final Pattern OURS = Pattern.compile("dtm-d[rg]-(\\d+)-[0-9a-f]+");
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Pattern PINGS = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    /**
     * What the lab runs.
     *
     * @param serverDistribution the server distribution's tar.gz
     * @param agentDistribution  the agent distribution's tar.gz
     * @param workDir            the distributions are unpacked under it
     * @param lossPercent        control datagrams dropped each way on every link
     * @param pollMs             the cellular links' {@code poll.ms}
     * @param verifySeconds      the router's {@code verify.timeout.seconds}
     */
    public record Settings(Path serverDistribution, Path agentDistribution, Path workDir, int lossPercent, int pollMs,
                           int verifySeconds) {
        public Settings {
            Objects.requireNonNull(serverDistribution, "serverDistribution");
            Objects.requireNonNull(agentDistribution, "agentDistribution");
            Objects.requireNonNull(workDir, "workDir");
            if (lossPercent < 0 || lossPercent > 90) {
                throw new IllegalArgumentException("loss must be 0..90 %, got " + lossPercent);
            }
        }
    }

    /**
     * A tunnel interface as {@code ip -j -d addr show} reports it.
     *
     * @param name      interface name
     * @param kind      link kind, e.g. vxlan
     * @param vni       VXLAN id
     * @param local     outer local address
     * @param remote    outer remote address
     * @param port      destination UDP port
     * @param addresses its IPv4 addresses, address/prefix
     */
    public record Tunnel(String name, String kind, long vni, String local, String remote, int port, List<String> addresses) {
        /** The outer path and key: what a change of parameters or of link changes. */
        public String outer() {
            return kind + " vni " + vni + " " + local + " -> " + remote + ":" + port;
        }

        /** The far end and key, whichever local link carries it: what a change of parameters changes. */
        public String remoteEndpoint() {
            return kind + " vni " + vni + " -> " + remote + ":" + port;
        }

        /** The first IPv4 address without its prefix, or "". */
        public String inner() {
            return addresses.isEmpty() ? "" : addresses.get(0).substring(0, addresses.get(0).indexOf('/'));
        }
    }

    /** Pings sent and answered. */
    public record Pings(int sent, int received) {
        public int lost() {
            return sent - received;
        }

        Pings plus(Pings o) {
            return new Pings(sent + o.sent, received + o.received);
        }
    }

    /**
     * The longest outage one continuous ping saw.
     *
     * @param direction  which ping, e.g. router->gateway
     * @param ms         longest time between two consecutive replies
     * @param afterDownMs when that gap began, relative to the moment the link was taken down
     */
    public record Gap(String direction, double ms, double afterDownMs) {
    }

    /**
     * (a) The tunnel once established.
     *
     * @param router     dtm0 on the router
     * @param gateway    the core end on the server
     * @param status     {@code tunnel:status -j} on the agent
     * @param intent     {@code config:show -j dtm0} on the agent: the intent built from PARAMS
     * @param intentKey  the key in that intent (the VNI PARAMS handed out)
     */
    public record Established(Tunnel router, Tunnel gateway, Map<String, Object> status, Map<String, Object> intent,
                              long intentKey) {
    }

    /**
     * (b) The carrying link taken down.
     *
     * @param veth          the router's veth that was taken down
     * @param before        dtm0 before
     * @param after         dtm0 after it moved
     * @param gatewayBefore the core end before
     * @param gatewayAfter  the core end after it followed
     * @param gaps          the longest outage of each ping direction
     * @param timeline      what each ping printed on standard error (each line once), then both nodes'
     *                      DTM log lines from 1 s before the link went down until the core end
     *                      followed: what to read when a gap is too long
     */
    public record Failover(String veth, Tunnel before, Tunnel after, Tunnel gatewayBefore, Tunnel gatewayAfter,
                           List<Gap> gaps, List<String> timeline) {
        /** The longest gap of all directions, ms. */
        public double gapMs() {
            return gaps.stream().mapToDouble(Gap::ms).max().orElse(Double.NaN);
        }
    }

    /**
     * (c) A parameter that fails verification.
     *
     * @param before dtm0 before the server changed its endpoint
     * @param entry  the agent's history entry of the change, if one was written
     * @param after  dtm0 after the rollback
     * @param pings  pings through the tunnel afterwards, both ways
     */
    public record Rollback(Tunnel before, Optional<Map<String, Object>> entry, Tunnel after, Pings pings) {
        /** Rolled back, restored, the tunnel as before and passing traffic. */
        public boolean ok() {
            return entry.isPresent() && "rolled-back".equals(entry.get().get("result"))
                    && Boolean.TRUE.equals(entry.get().get("restored")) && after.remoteEndpoint().equals(before.remoteEndpoint())
                    && pings.sent() > 0 && pings.lost() == 0;
        }
    }

    /**
     * (d) kill -9 of the agent while a change waits in its verify window.
     *
     * @param lastConfirmed   dtm0 before the change (the last confirmed state)
     * @param halfApplied     dtm0 when the agent was killed
     * @param journalAtKill   the journal record was on disk when the agent was killed
     * @param seenAfterRestart dtm0's successive states from the restart until the tunnel passed traffic
     *                        again ("absent" when there was none), consecutive repeats folded
     * @param reconcile       the agent's "reconcile at start" history entry, if one was written
     * @param reestablished   dtm0 after the restart
     * @param gateway         the core end after the restart
     * @param pings           pings through the tunnel afterwards, both ways
     */
    public record Crash(Tunnel lastConfirmed, Tunnel halfApplied, boolean journalAtKill, List<String> seenAfterRestart,
                        Optional<Map<String, Object>> reconcile, Tunnel reestablished, Tunnel gateway, Pings pings) {
    }

    private final Settings settings;
    private final String routerNs;
    private final String serverNs;
    private final Path dir;
    private final KarafNode server;
    private final KarafNode agent;
    private final Thread reaper;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The router's veths taken down so far. */
    private final Set<String> down = ConcurrentHashMap.newKeySet();

    private DataPlaneLab(Settings settings, String suffix) throws IOException {
        this.settings = settings;
        this.routerNs = "dtm-dr-" + suffix;
        this.serverNs = "dtm-dg-" + suffix;
        this.dir = settings.workDir().resolve("run-" + suffix);
        this.server = KarafNode.unpack("server", serverNs, settings.serverDistribution(), dir.resolve("server"));
        this.agent = KarafNode.unpack("agent", routerNs, settings.agentDistribution(), dir.resolve("agent"));
        this.reaper = new Thread(this::closeQuietly, "dtm-dataplane-reaper");
    }

    /**
     * Why this machine cannot run the lab, if it cannot: not Linux, not root, no {@code ip netns},
     * {@code nft} or {@code ping}, or no VXLAN in a network namespace.
     */
    public static Optional<String> unsupported() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Optional.of("needs Linux");
        }
        Sh.Result id = Sh.run("id", "-u");
        if (!id.ok() || !id.out().trim().equals("0")) {
            return Optional.of("needs root (uid is " + id.out().trim() + ")");
        }
        for (List<String> tool : List.of(List.of("ip", "netns", "list"), List.of("nft", "--version"), List.of("ping", "-V"))) {
            Sh.Result r = Sh.run(tool.toArray(String[]::new));
            if (!r.ok()) {
                return Optional.of("`" + String.join(" ", tool) + "` unavailable: " + r.out().strip());
            }
        }
        String probe = "dtm-dr-" + ProcessHandle.current().pid() + "-ffff";
        Sh.run("ip", "netns", "del", probe);
        Sh.Result add = Sh.run("ip", "netns", "add", probe);
        if (!add.ok()) {
            return Optional.of("cannot create a network namespace: " + add.out().strip());
        }
        try {
            Sh.Result vxlan = Sh.run("ip", "-n", probe, "link", "add", "dtmprobe", "type", "vxlan", "id", "1", "dstport",
                    Integer.toString(VXLAN_PORT));
            return vxlan.ok() ? Optional.empty() : Optional.of("no VXLAN in a network namespace: " + vxlan.out().strip());
        } finally {
            Sh.run("ip", "netns", "del", probe);
        }
    }

    /** Deletes the namespaces (and kills their processes) of earlier runs whose JVM is gone. */
    public static void removeLeftovers() {
        for (String line : Sh.run("ip", "netns", "list").out().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            Matcher m = OURS.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true)) {
                deleteNamespace(name);
            }
        }
    }

    private static void deleteNamespace(String ns) {
        for (String pid : Sh.run("ip", "netns", "pids", ns).out().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        Sh.run("ip", "netns", "del", ns);
    }

    /**
     * Creates the namespaces, links and loss, unpacks and configures both distributions (nothing
     * started yet). Removes leftovers of dead runs first.
     */
    public static DataPlaneLab create(Settings settings) throws IOException {
        removeLeftovers();
        String suffix = ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(0, 0xfffe));
        DataPlaneLab lab = new DataPlaneLab(settings, suffix);
        Runtime.getRuntime().addShutdownHook(lab.reaper);
        try {
            lab.network();
            lab.configure();
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** Both namespaces, in order router, gateway. */
    public List<String> namespaces() {
        return List.of(routerNs, serverNs);
    }

    /** Where both distributions run. */
    public Path dir() {
        return dir;
    }

    private void network() throws IOException {
        List<List<String>> steps = new ArrayList<>();
        steps.add(List.of("ip", "netns", "add", routerNs));
        steps.add(List.of("ip", "netns", "add", serverNs));
        steps.add(List.of("ip", "-n", routerNs, "link", "set", "lo", "up"));
        steps.add(List.of("ip", "-n", serverNs, "link", "set", "lo", "up"));
        steps.add(List.of("ip", "-n", serverNs, "addr", "add", SERVER_IP + "/32", "dev", "lo"));
        StringBuilder ifs = new StringBuilder();
        for (int i = 1; i <= LINKS; i++) {
            String a = "a" + i;
            String s = "s" + i;
            String net = "10.99." + i + ".";
            steps.add(List.of("ip", "-n", routerNs, "link", "add", a, "type", "veth", "peer", "name", s, "netns", serverNs));
            steps.add(List.of("ip", "-n", routerNs, "addr", "add", net + "2/30", "dev", a));
            steps.add(List.of("ip", "-n", routerNs, "link", "set", a, "up"));
            steps.add(List.of("ip", "-n", serverNs, "addr", "add", net + "1/30", "dev", s));
            steps.add(List.of("ip", "-n", serverNs, "link", "set", s, "up"));
            // answers and the core end's packets leave from the server's address, whichever veth they take
            steps.add(List.of("ip", "-n", serverNs, "route", "replace", net + "0/30", "dev", s, "proto", "kernel",
                    "scope", "link", "src", SERVER_IP));
            // a link's source address leaves through that link's veth: control datagrams and the tunnel's
            // outer packets alike (the server's /24, so the unanswered endpoint has a route too)
            String table = String.valueOf(100 + i);
            steps.add(List.of("ip", "-n", routerNs, "route", "add", "10.99.0.0/24", "via", net + "1", "dev", a, "table", table));
            steps.add(List.of("ip", "-n", routerNs, "rule", "add", "from", net + "2", "table", table));
            ifs.append(i > 1 ? ", " : "").append('"').append(s).append('"');
        }
        Path rules = dir.resolve("loss.nft");
        int loss = settings.lossPercent();
        Files.writeString(rules, String.join("\n",
                "table inet dtm_loss {",
                "  chain in {",
                "    type filter hook input priority 0; policy accept;",
                "    iifname { " + ifs + " } udp dport " + CONTROL_PORT + " counter",
                "    iifname { " + ifs + " } udp dport " + CONTROL_PORT + " numgen random mod 100 < " + loss + " counter drop",
                "  }",
                "  chain out {",
                "    type filter hook output priority 0; policy accept;",
                "    oifname { " + ifs + " } udp sport " + CONTROL_PORT + " counter",
                "    oifname { " + ifs + " } udp sport " + CONTROL_PORT + " numgen random mod 100 < " + loss + " counter drop",
                "  }",
                "}", ""));
        steps.add(List.of("ip", "netns", "exec", serverNs, "nft", "-f", rules.toString()));
        for (List<String> step : steps) {
            Sh.must(step.toArray(String[]::new));
        }
    }

    private void configure() throws IOException {
        // The server distribution runs a demo agent over emulated links on the same host: not here.
        server.withoutBootFeatures("dtm-agent", "dtm-link-emulated");
        server.set(SERVER_CFG, "advertise.host", SERVER_IP)
                .set(SERVER_CFG, "bind.port", Integer.toString(CONTROL_PORT))
                .set(SERVER_CFG, "bootstrap.pool", POOL)
                .set(SERVER_CFG, "bootstrap.devices", DEVICE)
                .remove(SERVER_CFG, "tunnel.endpoint")
                .set("etc/net.dtm.gateway.cfg", "vendor", "linux");
        agent.set("etc/net.dtm.agent.cfg", "device.id", DEVICE)
                .set("etc/net.dtm.agent.cfg", "device.key.file", "${karaf.etc}/dtm-keys/" + DEVICE + ".key")
                .set("etc/net.dtm.agent.cfg", "servers", SERVER_IP + ":" + CONTROL_PORT)
                .set("etc/net.dtm.agent.cfg", "tunnel.type", "vxlan")
                .set("etc/net.dtm.config.cfg", "verify.timeout.seconds", Integer.toString(settings.verifySeconds()));
        for (int i = 1; i <= LINKS; i++) {
            String cfg = "etc/net.dtm.link.cellular-l" + i + ".cfg";
            agent.set(cfg, "link.id", "l" + i).set(cfg, "kind", "lte").set(cfg, "interface", "a" + i).set(cfg, "port", "0")
                    .set(cfg, "poll.ms", Integer.toString(settings.pollMs()));
        }
    }

    // ------------------------------------------------------------------------------------------ (a)

    /**
     * Starts both distributions, hands the device key the server enrolled to the router (as an
     * operator would copy it), and waits until both tunnel ends are confirmed.
     */
    public Established establish() throws IOException {
        server.start();
        agent.start();
        Path serverKey = server.home().resolve("etc/dtm-keys/" + DEVICE + ".key");
        Path agentKey = agent.home().resolve("etc/dtm-keys/" + DEVICE + ".key");
        await("tunnel established and confirmed at both ends", Duration.ofSeconds(120), () -> {
            alive(server);
            alive(agent);
            if (!Files.exists(agentKey) && Files.exists(serverKey)) {
                copyKey(serverKey, agentKey);
            }
            boolean router = !agent.logLines("dtm0 (device " + DEVICE + "): confirmed entry").isEmpty();
            boolean gateway = !server.logLines("(device " + DEVICE + "): confirmed entry").isEmpty();
            return router && gateway ? routerTunnel().flatMap(r -> gatewayTunnel().map(g -> Boolean.TRUE)) : Optional.empty();
        });
        Tunnel router = routerTunnel().orElseThrow();
        Tunnel gateway = gatewayTunnel().orElseThrow();
        Sh.Result shown = agent.client("tunnel:status -j", "config:show -j dtm0");
        String out = shown.orThrow(List.of("bin/client", "tunnel:status -j; config:show -j dtm0"));
        int second = out.indexOf("\n{", out.indexOf('{'));
        if (second < 0) {
            throw new LabException("tunnel:status -j and config:show -j dtm0 printed: " + out);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) Json.parse(out.substring(0, second));
        @SuppressWarnings("unchecked")
        Map<String, Object> intent = (Map<String, Object>) Json.parse(out.substring(second));
        Matcher key = Pattern.compile("\\bkey=(\\d+)").matcher(String.valueOf(intent.get("intent")));
        return new Established(router, gateway, status, intent, key.find() ? Long.parseLong(key.group(1)) : -1);
    }

    private static void copyKey(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException("cannot copy the device key to the router: " + e);
        }
    }

    /** {@code count} pings each way through the tunnel at 0.1 s (router to gateway, gateway to router), at once. */
    public Pings pingBothWays(int count) {
        String inner = routerTunnel().orElseThrow(() -> new LabException("no dtm0" + diagnostics())).inner();
        return bothWays(() -> ping(routerNs, GATEWAY_INNER, count), () -> ping(serverNs, inner, count));
    }

    /**
     * Both pings at once, added up. A ping's {@link LabException} (e.g. "Network is unreachable":
     * dtm0 is being rebuilt) is thrown as itself, not wrapped by the join, so that
     * {@link #cleanPingsBothWays} can take it for a round that met the rebuild (CI: the wrapped one
     * escaped it and failed step (d)).
     */
    static Pings bothWays(Supplier<Pings> up, Supplier<Pings> down) {
        CompletableFuture<Pings> u = CompletableFuture.supplyAsync(up);
        CompletableFuture<Pings> d = CompletableFuture.supplyAsync(down);
        try {
            return u.join().plus(d.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof LabException lab) {
                throw lab;
            }
            throw e;
        }
    }

    /**
     * Rounds of {@code count} pings each way until a round loses none, for at most {@code atMost};
     * the last round either way. After a restart the router may still be rebuilding dtm0 for the
     * parameters of its new establishment (seen in CI: dtm0 absent a moment after traffic had
     * flowed): a round that meets the rebuild says nothing of the tunnel it leaves.
     */
    Pings cleanPingsBothWays(int count, Duration atMost) {
        return awaitOrLast(atMost, () -> {
            try {
                return pingBothWays(count);
            } catch (LabException noTunnelYet) {
                return new Pings(2 * count, 0);
            }
        }, p -> p.lost() == 0);
    }

    /** Waits until one ping each way is answered (ARP after an interface was re-created, a core end still applying). */
    public void awaitTraffic() {
        String inner = routerTunnel().orElseThrow(() -> new LabException("no dtm0" + diagnostics())).inner();
        await("a ping answered each way through the tunnel", Duration.ofSeconds(30), () ->
                ping(routerNs, GATEWAY_INNER, 1).received() == 1 && ping(serverNs, inner, 1).received() == 1
                        ? Optional.of(true) : Optional.empty());
    }

    private static Pings ping(String ns, String target, int count) {
        Sh.Result r = Sh.run(Duration.ofMillis(count * 100L + 10_000), null, Map.of(), "ip", "netns", "exec", ns, "ping",
                "-n", "-q", "-c", Integer.toString(count), "-i", "0.1", "-W", "1", target);
        Matcher m = PINGS.matcher(r.out());
        if (!m.find()) {
            throw new LabException("ping " + target + " in " + ns + " printed no summary: " + r.out());
        }
        return new Pings(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    // ------------------------------------------------------------------------------------------ (b)

    /**
     * Takes the link carrying the tunnel (the router's veth holding dtm0's local address) down while
     * pinging through the tunnel every 50 ms both ways, and waits until traffic flows over another
     * link at both ends.
     */
    public Failover failCarryingLink() throws IOException, InterruptedException {
        Tunnel before = routerTunnel().orElseThrow(() -> new LabException("no dtm0" + diagnostics()));
        Tunnel gatewayBefore = gatewayTunnel().orElseThrow(() -> new LabException("no core end" + diagnostics()));
        String veth = veth(before.local());
        double down;
        List<Gap> gaps = new ArrayList<>();
        List<String> pingErrors = new ArrayList<>();
        try (Pinger up = Pinger.start("router->gateway", routerNs, GATEWAY_INNER, 0.05);
             Pinger back = Pinger.start("gateway->router", serverNs, before.inner(), 0.05)) {
            await("steady pings both ways before the link goes down", Duration.ofSeconds(10), () ->
                    up.repliesSince(0) >= 10 && back.repliesSince(0) >= 10 ? Optional.of(true) : Optional.empty());
            down = System.currentTimeMillis() / 1000.0;
            linkDown(veth);
            await("traffic through the tunnel over another link, both ways", Duration.ofSeconds(20), () ->
                    routerTunnel().filter(t -> !t.local().equals(before.local())).isPresent()
                            && up.repliesSince(down) >= 10 && back.repliesSince(down) >= 10 ? Optional.of(true) : Optional.empty());
            for (Pinger p : List.of(up, back)) {
                Pinger.Gap g = p.longestGap(down - 0.5);
                gaps.add(new Gap(g.label(), g.ms(), (g.lastReply() - down) * 1000));
                p.errors().stream().distinct().forEach(e -> pingErrors.add("ping " + p.label() + ": " + e));
            }
        }
        Tunnel after = routerTunnel().orElseThrow();
        Tunnel gatewayAfter = await("the core end following to " + after.local(), Duration.ofSeconds(10), () ->
                gatewayTunnel().filter(g -> g.remote().equals(after.local())));
        long downMillis = (long) (down * 1000);
        List<String> timeline = new ArrayList<>(pingErrors);
        for (KarafNode n : List.of(agent, server)) {
            timeline.addAll(n.dtmLogBetween(downMillis - 1000, System.currentTimeMillis()));
        }
        return new Failover(veth, before, after, gatewayBefore, gatewayAfter, gaps, timeline);
    }

    // ------------------------------------------------------------------------------------------ (c)

    /**
     * The server starts handing out a tunnel endpoint nothing answers on ({@value #NOWHERE}; its
     * configuration file is edited, the server component restarts); the agent's next renewal brings
     * it in PARAMS; the router applies it, its probes through the tunnel go unanswered for the
     * verify time, and the change must roll back by itself.
     */
    public Rollback badEndpointRollsBack() throws IOException {
        Tunnel before = routerTunnel().orElseThrow(() -> new LabException("no dtm0" + diagnostics()));
        int newest = history().stream().mapToInt(e -> ((Number) e.get("number")).intValue()).max().orElse(0);
        String rolled = "dtm0 (device " + DEVICE + "): rolled back entry";
        int rolledBefore = agent.logLines(rolled).size();
        serverEndpoint(Optional.of(NOWHERE));
        // renewals come every 15 to 30 s; then the verify time
        await("the router's rollback of the unanswered endpoint", Duration.ofSeconds(45 + settings.verifySeconds()),
                () -> agent.logLines(rolled).size() > rolledBefore ? Optional.of(true) : Optional.empty());
        Optional<Map<String, Object>> entry = history().stream()
                .filter(e -> ((Number) e.get("number")).intValue() > newest && "rolled-back".equals(e.get("result")))
                .findFirst();
        // the rollback restored dtm0; a change queued meanwhile (a path move) may be applying on top of
        // it, and the tunnel may have moved to another link while the bad change waited for its renewal
        Tunnel after = awaitOrLast(Duration.ofSeconds(settings.verifySeconds() + 10),
                () -> routerTunnel().orElseThrow(() -> new LabException("no dtm0 after the rollback" + diagnostics())),
                t -> t.remoteEndpoint().equals(before.remoteEndpoint()));
        awaitTraffic();
        return new Rollback(before, entry, after, pingBothWays(20));
    }

    /** Sets (or, empty, removes) the server's tunnel.endpoint and waits for its gateway to use it. */
    private void serverEndpoint(Optional<String> address) throws IOException {
        String active = "tunnel gateway active:";
        String endpoint = "endpoint=/" + address.orElse(SERVER_IP) + ":" + VXLAN_PORT;
        int before = server.logLines(active).size();
        if (address.isPresent()) {
            server.set(SERVER_CFG, "tunnel.endpoint", address.get() + ":" + VXLAN_PORT);
        } else {
            server.remove(SERVER_CFG, "tunnel.endpoint");
        }
        await("the server restarted with tunnel " + endpoint, Duration.ofSeconds(30), () -> {
            List<String> lines = server.logLines(active);
            return lines.size() > before && lines.get(lines.size() - 1).contains(endpoint) ? Optional.of(true)
                    : Optional.empty();
        });
    }

    // ------------------------------------------------------------------------------------------ (d)

    /**
     * The server hands out another endpoint nothing answers on ({@value #NOWHERE_TOO}): parameters the
     * router has not refused before, so its next renewal applies them and probes (parameters it did
     * refuse are never re-applied: a move then carries the working tunnel instead).
     * While that change waits in its verify window (its journal record on disk, dtm0 half applied),
     * the agent's JVM is killed with SIGKILL. The server is given its working endpoint back, the
     * agent is started again; the interface is watched every 50 ms until the tunnel passes traffic.
     */
    public Crash killDuringApply() throws IOException, InterruptedException {
        Tunnel lastConfirmed = routerTunnel().orElseThrow(() -> new LabException("no dtm0" + diagnostics()));
        Path journal = agent.home().resolve("dtm-config/journal");
        String established = "tunnel established: device=" + DEVICE;
        int establishedBefore = agent.logLines(established).size();
        serverEndpoint(Optional.of(NOWHERE_TOO));
        // renewals come every 15 to 30 s
        Tunnel halfApplied = await("the unanswered endpoint applied by a renewal, in its verify window",
                Duration.ofSeconds(45), Duration.ofMillis(20), () -> routerTunnel()
                        .filter(t -> t.remote().equals(NOWHERE_TOO) && hasFiles(journal)));
        agent.kill();
        boolean journalAtKill = hasFiles(journal);

        serverEndpoint(Optional.empty());
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                String now = routerTunnel().map(Tunnel::outer).orElse("absent");
                if (!watching.get()) {
                    return; // a read cut short by the end of the watch says nothing
                }
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(now)) {
                    seen.add(now);
                }
                try {
                    Thread.sleep(50); // sampling period of the watch
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dtm-dataplane-dtm0-watch");
        watcher.setDaemon(true);
        watcher.start();
        Tunnel reestablished;
        Tunnel gateway;
        Pings pings;
        try {
            agent.start();
            await("the agent's reconcile at start", Duration.ofSeconds(90), () ->
                    agent.logLines("undone at start").isEmpty() ? Optional.empty() : Optional.of(true));
            // established again, and dtm0 on a link that is up with the working endpoint (the change that
            // brings it there may be none: the restored tunnel can already be what the new PARAMS ask for)
            await("dtm0 on a working link and endpoint after the restart", Duration.ofSeconds(60), () ->
                    agent.logLines(established).size() > establishedBefore
                            ? routerTunnel().filter(t -> t.remote().equals(SERVER_IP) && !down.contains(veth(t.local())))
                            : Optional.empty());
            // the router may still move to another working link (the agent's path settles after the
            // restart), so both ends are read together until the core end follows the router's
            Tunnel[] ends = new Tunnel[2];
            await("the core end following the router's working link", Duration.ofSeconds(30), () ->
                    routerTunnel().filter(t -> t.remote().equals(SERVER_IP) && !down.contains(veth(t.local())))
                            .flatMap(r -> gatewayTunnel().filter(g -> g.remote().equals(r.local())).map(g -> {
                                ends[0] = r;
                                ends[1] = g;
                                return true;
                            })));
            reestablished = ends[0];
            gateway = ends[1];
            pings = cleanPingsBothWays(20, Duration.ofSeconds(60));
        } finally {
            watching.set(false);
            watcher.join(30_000);
        }
        Optional<Map<String, Object>> reconcile = history().stream()
                .filter(e -> "reconcile at start".equals(e.get("trigger"))).findFirst();
        return new Crash(lastConfirmed, halfApplied, journalAtKill, List.copyOf(seen), reconcile, reestablished, gateway,
                pings);
    }

    /** Takes a router veth down (the link's modem loses its carrier). */
    private void linkDown(String veth) {
        Sh.must("ip", "-n", routerNs, "link", "set", veth, "down");
        down.add(veth);
    }

    private static boolean hasFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(Files::isRegularFile);
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ views

    /** dtm0 on the router, if it exists. */
    public Optional<Tunnel> routerTunnel() {
        return tunnels(routerNs, "dtm0"::equals).stream().findFirst();
    }

    /** The core end on the gateway (an interface named dtmg...), if there is one. */
    public Optional<Tunnel> gatewayTunnel() {
        return tunnels(serverNs, n -> n.startsWith("dtmg")).stream().findFirst();
    }

    /** The agent's {@code config:history -j dtm0}, newest first. */
    public List<Map<String, Object>> history() throws IOException {
        Sh.Result r = agent.client("config:history -j dtm0");
        return Json.objects(Json.parse(r.orThrow(List.of("bin/client", "config:history -j dtm0"))));
    }

    private static List<Tunnel> tunnels(String ns, Predicate<String> name) {
        Sh.Result r = Sh.run("ip", "-n", ns, "-j", "-d", "addr", "show");
        if (!r.ok()) {
            return List.of();
        }
        List<Tunnel> out = new ArrayList<>();
        for (Map<String, Object> link : Json.objects(Json.parse(r.out()))) {
            String ifname = String.valueOf(link.get("ifname"));
            if (!name.test(ifname)) {
                continue;
            }
            Map<String, Object> info = Json.object(link, "linkinfo");
            Map<String, Object> data = Json.object(info, "info_data");
            List<String> addresses = new ArrayList<>();
            if (link.get("addr_info") instanceof List<?> list) {
                for (Object o : list) {
                    if (o instanceof Map<?, ?> a && "inet".equals(a.get("family"))) {
                        addresses.add(a.get("local") + "/" + a.get("prefixlen"));
                    }
                }
            }
            out.add(new Tunnel(ifname, String.valueOf(info.get("info_kind")),
                    data.get("id") instanceof Number n ? n.longValue() : -1, String.valueOf(data.get("local")),
                    String.valueOf(data.get("remote")), data.get("port") instanceof Number p ? p.intValue() : -1,
                    addresses));
        }
        out.sort(Comparator.comparing(Tunnel::name));
        return out;
    }

    /** The router's veth holding {@code address} (10.99.N.2 is aN). */
    static String veth(String address) {
        Matcher m = Pattern.compile("10\\.99\\.(\\d)\\.2").matcher(address);
        if (!m.matches()) {
            throw new LabException("dtm0's local address " + address + " is none of the links'");
        }
        return "a" + m.group(1);
    }

    // ------------------------------------------------------------------------------------------ support

    private <T> T await(String what, Duration atMost, Supplier<Optional<T>> probe) {
        return await(what, atMost, POLL, probe);
    }

    private <T> T await(String what, Duration atMost, Duration every, Supplier<Optional<T>> probe) {
        return Sh.await(what, atMost, every, probe, this::diagnostics);
    }

    /** Polls {@code read} until {@code done} holds or {@code atMost} passes; the last value read either way. */
    private static <T> T awaitOrLast(Duration atMost, Supplier<T> read, Predicate<T> done) {
        try {
            return Sh.await("", atMost, POLL, () -> Optional.of(read.get()).filter(done), () -> "");
        } catch (LabException timedOut) {
            return read.get();
        }
    }

    private void alive(KarafNode node) {
        if (!node.alive()) {
            throw new LabException(node.name() + " Karaf exited" + diagnostics());
        }
    }

    /** Both nodes' log tails, both namespaces' interfaces and the loss counters. */
    public String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (KarafNode n : List.of(server, agent)) {
            b.append("\n--- ").append(n.name()).append(" karaf.log (tail, without feature resolution):\n")
                    .append(n.logTailWithoutFeatures(30));
        }
        for (KarafNode n : List.of(server, agent)) {
            b.append("\n--- ").append(n.name()).append(" threads in DTM code or blocked:\n").append(n.dtmThreads());
        }
        for (String ns : List.of(routerNs, serverNs)) {
            b.append("\n--- ").append(ns).append(": ip -d addr\n").append(Sh.run("ip", "-n", ns, "-d", "addr").out());
        }
        b.append("--- loss counters\n")
                .append(Sh.run("ip", "netns", "exec", serverNs, "nft", "list", "table", "inet", "dtm_loss").out());
        return b.toString();
    }

    /**
     * Control datagrams on the links so far, as the server namespace's nftables counted them.
     *
     * @param in         toward the server
     * @param inDropped  of those, dropped
     * @param out        from the server
     * @param outDropped of those, dropped
     */
    public record ControlLoss(long in, long inDropped, long out, long outDropped) {
        @Override
        public String toString() {
            return inDropped + " of " + in + " dropped toward the server, " + outDropped + " of " + out + " from it";
        }
    }

    /** The control datagrams nftables saw and dropped so far. */
    public ControlLoss controlLoss() {
        Matcher m = Pattern.compile("counter packets (\\d+)")
                .matcher(Sh.run("ip", "netns", "exec", serverNs, "nft", "list", "table", "inet", "dtm_loss").out());
        List<Long> c = new ArrayList<>();
        while (m.find()) {
            c.add(Long.parseLong(m.group(1)));
        }
        if (c.size() != 4) {
            throw new LabException("unexpected nftables counters " + c + diagnostics());
        }
        return new ControlLoss(c.get(0), c.get(1), c.get(2), c.get(3));
    }

    /**
     * Kills both Karaf JVMs and deletes both namespaces (and whatever still runs in them). The
     * unpacked distributions stay for inspection; {@link #deleteFiles()} removes them.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself
        }
        closeQuietly();
    }

    private void closeQuietly() {
        for (KarafNode n : List.of(agent, server)) {
            try {
                n.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("dataplane lab: " + n.name() + " not stopped: " + e.getMessage());
            }
        }
        deleteNamespace(routerNs);
        deleteNamespace(serverNs);
    }

    /** Deletes the unpacked distributions (after {@link #close()}). */
    public void deleteFiles() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** True while a namespace of this lab exists (tests check cleanup with it). */
    public boolean namespacesExist() {
        String list = Sh.run("ip", "netns", "list").out();
        return list.lines().map(l -> l.trim().split("\\s+")[0]).anyMatch(n -> n.equals(routerNs) || n.equals(serverNs));
    }
}
