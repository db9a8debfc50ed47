package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
 * <p>Runs outside OSGi (plain JUnit 4): it drives the scripts and reads etc/ and data/log.
 */
public class ScriptsRestartIT {

    private static final Pattern ESTABLISHED = Pattern.compile(
            "tunnel established: device=smr-demo-1 address=(\\S+) server=(\\S+) time=([0-9.]+) ms");

    private Path home;
    private int sshPort;

    @Before
    public void unpack() throws Exception {
        File tarGz = new File(System.getProperty("dtm.distribution", "missing"));
        assertTrue("DTM distribution not found at " + tarGz + ": build karaf-assembly first", tarGz.isFile());
        Path dir = Files.createDirectories(Path.of("target", "scripts-it"));
        Path unpackTo = Files.createTempDirectory(dir.toAbsolutePath(), "run-");
        run(unpackTo, Duration.ofSeconds(60), null, "tar", "xzf", tarGz.getAbsolutePath());
        try (var entries = Files.list(unpackTo)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        sshPort = freeTcpPort();
        int udpPort;
        try (DatagramSocket socket = new DatagramSocket(0)) {
            udpPort = socket.getLocalPort();
        }
        edit("etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(sshPort));
        edit("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(freeTcpPort()));
        edit("etc/org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(freeTcpPort()));
        edit("etc/net.dtm.server.cfg", "bind.port", Integer.toString(udpPort));
        edit("etc/net.dtm.agent.cfg", "servers", "127.0.0.1:" + udpPort);
    }

    @After
    public void stopAndKillIfNeeded() throws Exception {
        if (home == null) {
            return;
        }
        Optional<ProcessHandle> karaf = karafProcess();
        if (karaf.isPresent() && karaf.get().isAlive()) {
            run(home, Duration.ofSeconds(60), null, "bin/stop");
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !karaf.get().isAlive());
            } catch (RuntimeException e) {
                karaf.get().destroyForcibly();
            }
        }
    }

    @Test
    public void sameAddressAfterFullRestartFromScripts() throws Exception {
        assertTrue("etc/users.properties must ship without an active user",
                Files.readAllLines(home.resolve("etc/users.properties")).stream()
                        .noneMatch(l -> l.matches("^\\s*[^#!_\\s][^=]*=.*")));

        run(home, Duration.ofSeconds(60), null, "bin/start");
        Path credentials = home.resolve("etc/dtm-operator.credentials");
        assertTrue("first start created no operator credentials", Files.isRegularFile(credentials));
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
        ProcessHandle jvm = karafProcess().orElseThrow(() -> new AssertionError("no Karaf pid recorded"));
        run(home, Duration.ofSeconds(60), null, "bin/stop");
        Awaitility.await("Karaf JVM exit").atMost(Duration.ofSeconds(60)).until(() -> !jvm.isAlive());

        run(home, Duration.ofSeconds(60), null, "bin/start");
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

    /** Runs one console command through bin/client (SSH) and returns its output. */
    private String client(String user, String password, String command) throws Exception {
        return run(home, Duration.ofSeconds(60), command + "\n", "bin/client", "-a", Integer.toString(sshPort), "-h", "127.0.0.1",
                "-u", user, "-p", password, "-r", "3", "-b");
    }

    private Optional<ProcessHandle> karafProcess() throws IOException {
        Path instances = home.resolve("instances/instance.properties");
        if (!Files.exists(instances)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(instances)) {
            p.load(in);
        }
        String pid = p.getProperty("item.0.pid");
        return pid == null ? Optional.empty() : ProcessHandle.of(Long.parseLong(pid.trim()));
    }

    private void edit(String file, String key, String value) throws IOException {
        Path path = home.resolve(file);
        List<String> lines = new ArrayList<>(Files.readAllLines(path));
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("^\\s*" + Pattern.quote(key) + "\\s*[=:].*")) {
                lines.set(i, key + " = " + value);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(key + " = " + value);
        }
        Files.write(path, lines);
    }

    private static String run(Path dir, Duration timeout, String stdin, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path output = Files.createTempFile("dtm-it-", ".out");
        pb.redirectOutput(output.toFile());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
        }
        String out = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        return out;
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
