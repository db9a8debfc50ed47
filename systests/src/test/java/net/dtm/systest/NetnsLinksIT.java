package net.dtm.systest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kernel as the network: a server process in one network namespace, an agent process in
 * another, joined by three veth pairs, one per link, each with its own /30. The agent side routes by
 * source address (one routing table per link), so a link's socket bound to its veth address reaches
 * the server's address ({@value #SERVER_IP} on the server namespace's loopback) over that veth only.
 * nftables in the server namespace drops {@value #LOSS} % of the DTM datagrams each way on every veth
 * ({@code numgen random}); the emulated links add no loss of their own. The agent establishes through
 * the lossy links, one link is taken down mid-test, and the agent keeps re-establishing with the same
 * inner address over the other two.
 *
 * <p>Needs root, {@code ip netns} and {@code nft}; skips otherwise.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NetnsLinksIT {

    static final String PREFIX = "dtm-";
    static final String SERVER_IP = "10.99.0.1";
    static final int PORT = 47800;
    static final int LINKS = 3;
    static final int LOSS = 30;
    static final String DEVICE = "smr-netns-1";
    static final long PERIOD_MS = 2000;
    /** Namespaces of this test: dtm-a-<pid>-<random> and dtm-s-<pid>-<random>. */
    static final Pattern OURS = Pattern.compile("dtm-[as]-(\\d+)-[0-9a-f]+");
    static final Pattern EVENT = Pattern.compile(
            "EVENT kind=(\\w+) n=(\\d+) address=(\\S+) server=(\\S+) time=([0-9.]+) rx=(\\S*)");

    @TempDir
    Path dir;

    private final String suffix = ProcessHandle.current().pid() + "-"
            + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private final String agentNs = PREFIX + "a-" + suffix;
    private final String serverNs = PREFIX + "s-" + suffix;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> serverOut = new CopyOnWriteArrayList<>();
    private final List<String> agentOut = new CopyOnWriteArrayList<>();

    record Event(String kind, long n, String address, double ms, Map<String, Long> rx) {
        static Event parse(String line) {
            Matcher m = EVENT.matcher(line);
            if (!m.matches()) {
                return null;
            }
            Map<String, Long> rx = new HashMap<>();
            for (String part : m.group(6).split(",")) {
                String[] kv = part.split(":");
                if (kv.length == 2) {
                    rx.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            return new Event(m.group(1), Long.parseLong(m.group(2)), m.group(3), Double.parseDouble(m.group(5)), rx);
        }
    }

    // per test rather than @BeforeAll: a class-level skip is reported as "0 tests", without its reason
    @BeforeEach
    void requireRootNamespacesAndNftables() {
        assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
                "network namespace test skipped: needs Linux");
        Cmd id = Cmd.run("id", "-u");
        assumeTrue(id.ok() && id.out().trim().equals("0"),
                "network namespace test skipped: needs root (uid is " + id.out().trim() + ")");
        Cmd ip = Cmd.run("ip", "netns", "list");
        assumeTrue(ip.ok(), "network namespace test skipped: `ip netns` unavailable (install iproute2): " + ip.out());
        Cmd nft = Cmd.run("nft", "--version");
        assumeTrue(nft.ok(), "network namespace test skipped: `nft` unavailable (install nftables): " + nft.out());
        removeLeftovers();
    }

    /** Namespaces (and their processes) of earlier runs whose test JVM is gone. */
    static void removeLeftovers() {
        for (String line : Cmd.run("ip", "netns", "list").out().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            Matcher m = OURS.matcher(name);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true)) {
                deleteNamespace(name);
            }
        }
    }

    static void deleteNamespace(String ns) {
        for (String pid : Cmd.run("ip", "netns", "pids", ns).out().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        Cmd.run("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "dtm_loss");
        Cmd.run("ip", "netns", "del", ns);
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (Process p : processes) {
            try {
                p.getOutputStream().close(); // the mains stop when their standard input ends
            } catch (IOException ignored) {
                // already gone
            }
        }
        for (Process p : processes) {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        deleteNamespace(agentNs);
        deleteNamespace(serverNs);
        assertTrue(Cmd.run("ip", "netns", "list").out().lines().noneMatch(l -> l.startsWith(agentNs)
                || l.startsWith(serverNs)), "namespaces removed");
    }

    @Test
    void keepsItsTunnelThroughLossyKernelLinksWhenOneGoesDown() throws Exception {
        createNamespaces();
        Process server = start(serverNs, "server", serverOut, ServerMain.class.getName(), dir.toString(), DEVICE,
                String.valueOf(PORT), SERVER_IP);
        within("server ready", 20, () -> {
            alive(server, "server");
            return serverOut.stream().anyMatch(l -> l.startsWith("READY"));
        });

        List<String> agentArgs = new ArrayList<>(List.of(AgentMain.class.getName(),
                dir.resolve(DEVICE + ".key").toString(), DEVICE, SERVER_IP + ":" + PORT, String.valueOf(PERIOD_MS)));
        for (int i = 1; i <= LINKS; i++) {
            agentArgs.add("l" + i + "=10.99." + i + ".2");
        }
        Process agent = start(agentNs, "agent", agentOut, agentArgs.toArray(String[]::new));

        // establishes (and re-establishes) through the lossy links, every link carrying answers
        within("three establishments over lossy links", 25, () -> {
            alive(agent, "agent");
            return established().size() >= 3;
        });
        String address = established().get(0).address();
        assertTrue(address.startsWith("10.64.0."), "inner address from the pool, got " + address + diagnostics());
        within("every link carried answers", 10, () -> {
            alive(agent, "agent");
            Map<String, Long> rx = last().rx();
            return rx.size() == LINKS && rx.values().stream().allMatch(v -> v > 0);
        });

        // one link goes down on the agent side
        Cmd down = Cmd.run("ip", "-n", agentNs, "link", "set", "a2", "down");
        assertTrue(down.ok(), "link down: " + down.out());
        int before = established().size();

        // the agent keeps re-establishing, same address, over the two remaining links
        within("three establishments after link 2 went down", 25, () -> {
            alive(agent, "agent");
            return established().size() >= before + 3;
        });
        List<Event> after = established().subList(before, established().size());
        for (Event e : established()) {
            assertEquals(address, e.address(), "the agent keeps its inner address" + diagnostics());
        }
        Event first = after.get(0);
        Event lastOne = after.get(after.size() - 1);
        assertEquals(first.rx().get("l2"), lastOne.rx().get("l2"), "nothing arrives over the link that is down"
                + diagnostics());
        assertTrue(lastOne.rx().get("l1") > first.rx().get("l1") || lastOne.rx().get("l3") > first.rx().get("l3"),
                "answers keep arriving over the remaining links" + diagnostics());

        // the kernel did drop packets both ways
        String counters = Cmd.run("ip", "netns", "exec", serverNs, "nft", "list", "table", "inet", "dtm_loss").out();
        Matcher m = Pattern.compile("counter packets (\\d+)").matcher(counters);
        List<Long> drops = new ArrayList<>();
        while (m.find()) {
            drops.add(Long.parseLong(m.group(1)));
        }
        assertEquals(2, drops.size(), counters);
        assertTrue(drops.get(0) > 0 && drops.get(1) > 0, "nftables dropped datagrams each way: " + counters);
        System.out.printf("netns: %d establishments, mean %.1f ms, max %.1f ms, nft drops in/out %s, address %s%n",
                established().size(), established().stream().mapToDouble(Event::ms).average().orElse(0),
                established().stream().mapToDouble(Event::ms).max().orElse(0), drops, address);
    }

    private void createNamespaces() throws IOException {
        List<List<String>> steps = new ArrayList<>();
        steps.add(List.of("ip", "netns", "add", agentNs));
        steps.add(List.of("ip", "netns", "add", serverNs));
        steps.add(List.of("ip", "-n", agentNs, "link", "set", "lo", "up"));
        steps.add(List.of("ip", "-n", serverNs, "link", "set", "lo", "up"));
        steps.add(List.of("ip", "-n", serverNs, "addr", "add", SERVER_IP + "/32", "dev", "lo"));
        for (int i = 1; i <= LINKS; i++) {
            String a = "a" + i;
            String s = "s" + i;
            String net = "10.99." + i + ".";
            steps.add(List.of("ip", "-n", agentNs, "link", "add", a, "type", "veth", "peer", "name", s, "netns", serverNs));
            steps.add(List.of("ip", "-n", agentNs, "addr", "add", net + "2/30", "dev", a));
            steps.add(List.of("ip", "-n", agentNs, "link", "set", a, "up"));
            steps.add(List.of("ip", "-n", serverNs, "addr", "add", net + "1/30", "dev", s));
            steps.add(List.of("ip", "-n", serverNs, "link", "set", s, "up"));
            // answers leave from the address the agent asked, whichever veth they take
            steps.add(List.of("ip", "-n", serverNs, "route", "replace", net + "0/30", "dev", s, "proto", "kernel",
                    "scope", "link", "src", SERVER_IP));
            // on the agent side a link's source address picks that link's veth
            String table = String.valueOf(100 + i);
            steps.add(List.of("ip", "-n", agentNs, "route", "add", SERVER_IP + "/32", "via", net + "1", "dev", a,
                    "table", table));
            steps.add(List.of("ip", "-n", agentNs, "rule", "add", "from", net + "2", "table", table));
        }
        Path rules = dir.resolve("loss.nft");
        StringBuilder ifs = new StringBuilder();
        for (int i = 1; i <= LINKS; i++) {
            ifs.append(i > 1 ? ", " : "").append("\"s").append(i).append('"');
        }
        Files.writeString(rules, String.join("\n",
                "table inet dtm_loss {",
                "  chain in {",
                "    type filter hook input priority 0; policy accept;",
                "    iifname { " + ifs + " } udp dport " + PORT + " numgen random mod 100 < " + LOSS + " counter drop",
                "  }",
                "  chain out {",
                "    type filter hook output priority 0; policy accept;",
                "    oifname { " + ifs + " } udp sport " + PORT + " numgen random mod 100 < " + LOSS + " counter drop",
                "  }",
                "}", ""));
        steps.add(List.of("ip", "netns", "exec", serverNs, "nft", "-f", rules.toString()));

        Cmd first = Cmd.run(steps.get(0).toArray(String[]::new));
        assumeTrue(first.ok(), "network namespace test skipped: cannot create a namespace: " + first.out());
        for (List<String> step : steps.subList(1, steps.size())) {
            Cmd c = Cmd.run(step.toArray(String[]::new));
            if (!c.ok()) {
                fail("setup step failed: " + String.join(" ", step) + ": " + c.out());
            }
        }
    }

    private Process start(String ns, String name, List<String> out, String... mainAndArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-Xmx128m",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(mainAndArgs));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(dir.resolve(name + ".err").toFile()).start();
        processes.add(p);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    out.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    /** Waits for the condition, failing with what the processes said if it does not come. */
    private void within(String what, int seconds, Callable<Boolean> condition) {
        try {
            await(what).atMost(Duration.ofSeconds(seconds)).until(condition);
        } catch (ConditionTimeoutException ex) {
            fail("no " + what + " within " + seconds + " s" + diagnostics());
        }
    }

    private List<Event> established() {
        return agentOut.stream().map(Event::parse).filter(e -> e != null && e.kind().equals("established")).toList();
    }

    private Event last() {
        List<Event> all = agentOut.stream().map(Event::parse).filter(e -> e != null).toList();
        return all.isEmpty() ? new Event("none", 0, "", 0, Map.of()) : all.get(all.size() - 1);
    }

    private void alive(Process p, String name) {
        if (!p.isAlive()) {
            fail(name + " process exited with " + p.exitValue() + diagnostics());
        }
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder("\n--- agent stdout:\n").append(String.join("\n", agentOut));
        for (String name : List.of("server", "agent")) {
            try {
                List<String> lines = Files.readAllLines(dir.resolve(name + ".err"));
                b.append("\n--- ").append(name).append(" stderr (tail):\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            } catch (IOException ex) {
                b.append("\n--- ").append(name).append(" stderr unreadable: ").append(ex);
            }
        }
        return b.toString();
    }

    /** A short command, its exit status and its merged output. */
    record Cmd(int status, String out) {
        boolean ok() {
            return status == 0;
        }

        static Cmd run(String... cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Cmd(-1, out + " (timed out)");
                }
                return new Cmd(p.exitValue(), out);
            } catch (IOException ex) {
                return new Cmd(-1, ex.toString());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return new Cmd(-1, ex.toString());
            }
        }
    }
}
