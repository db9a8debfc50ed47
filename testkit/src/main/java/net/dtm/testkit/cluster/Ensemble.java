package net.dtm.testkit.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;

import net.dtm.testkit.FreePorts;

/**
 * A real ZooKeeper ensemble on loopback: each peer is its own JVM running
 * {@code org.apache.zookeeper.server.quorum.QuorumPeerMain} with a generated {@code zoo.cfg}, its own
 * data directory and {@code myid}, and free loopback ports (client, quorum, election). The class
 * path is this JVM's, which must hold the ZooKeeper server jars (the test kit depends on
 * them), unless {@value #SERVER_JARS} names other ZooKeeper jars (the chaos test runs 3.9.6: the
 * build's 3.9.3 let a peer diverge after its kill sequence).
 * <p>
 * Peers can be killed with SIGKILL and restarted on the same ports and data. Whether a peer serves
 * is asked with the {@code srvr} four-letter command (whitelisted in the generated configuration):
 * a peer serves when it answers with {@code Mode: leader}, {@code follower} or {@code standalone}.
 * <p>
 * Digest authentication: the ensemble's clients (DTM nodes) authenticate as user {@value #USER}
 * with {@link #password()}, a random password generated per ensemble and also written to
 * {@link #passwordFile()} (mode 600). ZooKeeper needs no server-side setting for digest ACLs.
 * <p>
 * Timing: {@code tickTime} is {@value #TICK_MS} ms, so sessions may be 2 ticks (1 s) to 20 ticks
 * (10 s) long.
 */
public final class Ensemble implements AutoCloseable {

    /** The digest user DTM nodes authenticate as. */
    public static final String USER = "dtm";
    static final int TICK_MS = 500;

    private final Path dir;
    private final int size;
    private final int[] clientPorts;
    private final int[] quorumPorts;
    private final int[] electionPorts;
    private final ChildJvm[] peers;
    private final String password;
    private final Path passwordFile;

    /** {@link #PEER_OPTIONS}, read once: the same for every peer's JVM and {@code zoo.cfg}, restarts included. */
    private final List<String> peerOptions = peerOptions();

    private Ensemble(Path dir, int size) throws IOException {
        this.dir = dir;
        this.size = size;
        this.clientPorts = new int[size];
        this.quorumPorts = new int[size];
        this.electionPorts = new int[size];
        this.peers = new ChildJvm[size];
        int[] ports = freePorts(3 * size);
        for (int i = 0; i < size; i++) {
            clientPorts[i] = ports[3 * i];
            quorumPorts[i] = ports[3 * i + 1];
            electionPorts[i] = ports[3 * i + 2];
        }
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        this.password = HexFormat.of().formatHex(secret);
        this.passwordFile = dir.resolve("dtm-zk.password");
        Files.writeString(passwordFile, password + "\n", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: the file stays as created
        }
        for (int i = 0; i < size; i++) {
            writeConfig(i);
        }
    }

    /**
     * Starts a {@code size}-peer ensemble under {@code dir} and waits until every peer serves.
     *
     * @throws IllegalStateException if it does not serve within {@code within} (every peer is then
     *                               killed; the message carries their logs' tails)
     */
    public static Ensemble start(Path dir, int size, Duration within) throws IOException, InterruptedException {
        if (size < 1 || size > 9) {
            throw new IllegalArgumentException("an ensemble of 1 to 9 peers, got " + size);
        }
        Files.createDirectories(dir);
        Ensemble e = new Ensemble(dir, size);
        boolean ok = false;
        try {
            for (int i = 0; i < size; i++) {
                e.launch(i);
            }
            e.awaitAllServing(within);
            ok = true;
            return e;
        } finally {
            if (!ok) {
                e.close();
            }
        }
    }

    /** {@code 127.0.0.1:p1,127.0.0.1:p2,...}: every peer's client address. */
    public String connectString() {
        StringJoiner j = new StringJoiner(",");
        for (int p : clientPorts) {
            j.add("127.0.0.1:" + p);
        }
        return j.toString();
    }

    /** The digest password of user {@value #USER}. */
    public String password() {
        return password;
    }

    /** A file holding {@link #password()} (mode 600), for {@code auth.password.file}. */
    public Path passwordFile() {
        return passwordFile;
    }

    public int size() {
        return size;
    }

    /** Peer {@code i}'s (0-based) client port. */
    public int clientPort(int i) {
        return clientPorts[i];
    }

    /** Peer {@code i}'s process id (it must be running). */
    long pid(int i) {
        if (!isRunning(i)) {
            throw new IllegalStateException("ZooKeeper peer " + (i + 1) + " is not running");
        }
        return peers[i].pid();
    }

    /** Whether peer {@code i}'s process runs (it may still be electing). */
    public boolean isRunning(int i) {
        return peers[i] != null && peers[i].isAlive();
    }

    /** SIGKILL to peer {@code i}; returns once the process is gone. */
    public void kill(int i) throws InterruptedException {
        ChildJvm p = peers[i];
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("ZooKeeper peer " + (i + 1) + " is not running");
        }
        p.kill();
    }

    /** Starts peer {@code i} again on its ports and data (it must have been killed). Does not wait. */
    public void restart(int i) throws IOException {
        if (isRunning(i)) {
            throw new IllegalStateException("ZooKeeper peer " + (i + 1) + " is still running");
        }
        launch(i);
    }

    /**
     * Peer {@code i}'s mode as {@code srvr} reports it ({@code leader}, {@code follower},
     * {@code standalone}), or empty when it does not serve (not running, not answering, or not in a
     * quorum: "This ZooKeeper instance is not currently serving requests").
     */
    public Optional<String> mode(int i) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPorts[i]), 1000);
            s.setSoTimeout(2000);
            OutputStream o = s.getOutputStream();
            o.write("srvr".getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : text.split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return Optional.of(line.substring(6).trim());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** How many peers serve now. */
    public int serving() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (mode(i).isPresent()) {
                n++;
            }
        }
        return n;
    }

    /** Waits until peer {@code i} serves. */
    public void awaitServing(int i, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (mode(i).isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("ZooKeeper peer " + (i + 1) + " not serving within " + within.toMillis()
                        + " ms" + diagnostics());
            }
            Thread.sleep(100); // polling with a deadline: srvr is the only readiness signal a peer gives
        }
    }

    /** Waits until every peer serves. */
    public void awaitAllServing(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (int i = 0; i < size; i++) {
            long left = deadline - System.nanoTime();
            awaitServing(i, Duration.ofNanos(Math.max(1, left)));
        }
    }

    /** Waits until no peer serves (the quorum is lost). */
    public void awaitNoQuorum(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (serving() > 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("ZooKeeper still serving " + within.toMillis() + " ms after losing its quorum"
                        + diagnostics());
            }
            Thread.sleep(100);
        }
    }

    /** Every peer's state and log tail, for failure messages. */
    public String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < size; i++) {
            b.append(String.format(Locale.ROOT, "%n--- zk peer %d: running=%s mode=%s", i + 1, isRunning(i),
                    mode(i).orElse("-")));
            if (peers[i] != null) {
                b.append(peers[i].diagnostics());
            }
        }
        return b.toString();
    }

    /** Kills every peer and removes nothing (the caller owns {@code dir}). */
    @Override
    public void close() {
        for (ChildJvm p : peers) {
            if (p != null && p.isAlive()) {
                try {
                    p.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException ignored) {
                    // best effort: the shutdown hook kills it again
                }
            }
        }
    }

    /**
     * The peers' class path: this JVM's, or, when system property {@value #SERVER_JARS} names jars
     * (path-separated, e.g. another release's {@code zookeeper} and {@code zookeeper-jute}), this
     * JVM's with its own ZooKeeper jars replaced by those: the ensemble then runs that release.
     */
    static String peerClassPath() {
        String own = System.getProperty("java.class.path");
        String jars = System.getProperty(SERVER_JARS, "").trim();
        if (jars.isEmpty()) {
            return own;
        }
        StringJoiner j = new StringJoiner(java.io.File.pathSeparator);
        for (String jar : jars.split(java.io.File.pathSeparator)) {
            if (!Files.isRegularFile(Path.of(jar))) {
                throw new IllegalArgumentException(SERVER_JARS + ": no such jar " + jar);
            }
            j.add(jar);
        }
        for (String e : own.split(java.io.File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            if (!name.matches("zookeeper(-jute)?-\\d.*\\.jar")) {
                j.add(e);
            }
        }
        return j.toString();
    }

    /** System property naming other ZooKeeper server jars for the peers. */
    public static final String SERVER_JARS = "dtm.zookeeper.server.jars";

    /**
     * System property: each peer's heap, as {@code -Xmx} takes it (default {@value #PEER_HEAP_DEFAULT},
     * enough for the tests' few hundred devices). ZooKeeper keeps every znode in memory: with 100,000
     * devices and 60,000 leases a 128 MB peer spent 190 s of 5 minutes in full collections and the
     * cluster stopped confirming leases, so the benchmarks give their peers more
     * ({@code run-cluster.sh}, {@code run-fleet-recovery.sh}: 1g).
     */
    public static final String PEER_HEAP = "dtm.zookeeper.heap";
    static final String PEER_HEAP_DEFAULT = "128m";

    /** The peers' heap from {@link #PEER_HEAP}, checked. */
    static String peerHeap() {
        String heap = System.getProperty(PEER_HEAP, PEER_HEAP_DEFAULT).trim();
        if (!heap.matches("[1-9][0-9]*[kKmMgG]?")) {
            throw new IllegalArgumentException(PEER_HEAP + " must be a heap size as -Xmx takes it (e.g. 512m, 1g), got '"
                    + heap + "'");
        }
        return heap;
    }

    /**
     * System property: more JVM options for each peer, separated by spaces (no quoting: an option
     * cannot contain a space), appended after the others (e.g. ZooKeeper's own
     * {@code -Dzookeeper.*} settings, which win over {@link #SMALL_MACHINE_TUNING}, or a compiler
     * choice), for the benchmarks' comparisons ({@code DTM_ZK_OPTS} in {@code run-cluster.sh}).
     * Empty by default.
     */
    public static final String PEER_OPTIONS = "dtm.zookeeper.peer.options";

    /** The extra peer options from {@link #PEER_OPTIONS}, checked: each must start with '-'. */
    static List<String> peerOptions() {
        String v = System.getProperty(PEER_OPTIONS, "").trim();
        if (v.isEmpty()) {
            return List.of();
        }
        List<String> options = List.of(v.split("\\s+"));
        for (String o : options) {
            if (!o.startsWith("-") || o.length() < 2) {
                throw new IllegalArgumentException(PEER_OPTIONS + " must be JVM options separated by spaces, each starting"
                        + " with '-', got '" + o + "' in '" + v + "'");
            }
        }
        return options;
    }

    private void launch(int i) throws IOException {
        Path peerDir = dir.resolve("zk" + (i + 1));
        // the whole heap from the start: a serial collector growing its old generation does so in full
        // collections, which paused the benchmarks' 1 GB peers for 0.46-0.84 s each while they grew
        List<String> jvm = new ArrayList<>(List.of("-Xms" + peerHeap(), "-Xmx" + peerHeap()));
        jvm.addAll(ClusterJvm.current().peer());
        // every collection and its pause, beside the peer's log: a peer paused longer than syncLimit
        // leaves the quorum
        jvm.add("-Xlog:gc:file=" + peerDir.resolve("gc.log") + ":time,uptime");
        jvm.addAll(List.of("-Dzookeeper.admin.enableServer=false", "-Dzookeeper.jmx.log4j.disable=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true"));
        jvm.addAll(peerOptions);
        peers[i] = ChildJvm.start("zk" + (i + 1), jvm,
                peerClassPath(), "org.apache.zookeeper.server.quorum.QuorumPeerMain", List.of(peerDir.resolve("zoo.cfg").toString()),
                peerDir.resolve("zk.log"), peerDir);
    }

    /**
     * ZooKeeper's tuning for peers that share a small machine (three peers, the DTM nodes and the
     * load on two cores here), as {@code README.md} recommends for such a deployment: no worker
     * pools, so a peer's selector thread does its clients' socket I/O and its commit thread serves
     * the reads (it applies committed writes itself anyway), rather than handing each request to
     * another thread (ZooKeeper sizes both pools from the cores: four and two threads here).
     * ZooKeeper takes a {@code zoo.cfg} key it does not know as the system property
     * {@code zookeeper.<key>}. Measured in {@code benchmarks/CLUSTER.md} (2026-12-05, evening): the
     * ensemble's CPU per new lease down by about 30 %.
     */
    static final List<String> SMALL_MACHINE_TUNING = List.of("nio.numWorkerThreads=0",
            "commitProcessor.numWorkerThreads=0");

    /**
     * The {@link #SMALL_MACHINE_TUNING} lines for {@code zoo.cfg}, but for a setting that
     * {@code options} (the peers' {@link #PEER_OPTIONS}) gives as {@code -Dzookeeper.<key>=...}:
     * ZooKeeper sets a {@code zoo.cfg} key's system property after the JVM's, so the file would
     * otherwise override what the caller asked for (e.g. ZooKeeper's defaults, for a comparison).
     */
    static List<String> tuning(List<String> options) {
        return SMALL_MACHINE_TUNING.stream()
                .filter(line -> {
                    String property = "-Dzookeeper." + line.substring(0, line.indexOf('=')) + "=";
                    return options.stream().noneMatch(o -> o.startsWith(property));
                })
                .toList();
    }

    private void writeConfig(int i) throws IOException {
        Path peerDir = dir.resolve("zk" + (i + 1));
        Path data = peerDir.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("myid"), (i + 1) + "\n", StandardCharsets.US_ASCII);
        List<String> cfg = new ArrayList<>(List.of(
                "tickTime=" + TICK_MS,
                "initLimit=20",
                "syncLimit=4",
                "dataDir=" + data,
                "clientPort=" + clientPorts[i],
                "clientPortAddress=127.0.0.1",
                "maxClientCnxns=0",
                "admin.enableServer=false",
                "4lw.commands.whitelist=srvr,ruok,mntr",
                "autopurge.purgeInterval=0",
                // fsync stays on (the default): a lease is durable when the quorum has synced it
                "forceSync=yes"));
        cfg.addAll(tuning(peerOptions));
        for (int p = 0; p < size; p++) {
            cfg.add("server." + (p + 1) + "=127.0.0.1:" + quorumPorts[p] + ":" + electionPorts[p]);
        }
        Files.write(peerDir.resolve("zoo.cfg"), cfg, StandardCharsets.US_ASCII);
    }

    /** {@code n} distinct ports free on loopback now, outside the ephemeral range ({@link FreePorts}). */
    static int[] freePorts(int n) throws IOException {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = FreePorts.tcp(); // distinct, and outside the range outgoing connections take ports from
        }
        return out;
    }
}
