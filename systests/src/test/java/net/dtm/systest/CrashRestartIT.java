package net.dtm.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.testkit.lease.LeaseClient;
import net.dtm.store.derby.DerbyStore;

/**
 * Issue 4: kill -9 of the node during a burst of allocations loses no confirmed lease and creates no
 * duplicate; after restart every device that was told an address still owns it.
 * <p>
 * A real server process ({@link CrashServerMain}: durable Derby, pool manager, request handler, MINA
 * UDP endpoint on loopback) serves {@value #DEVICES} devices establishing at once, {@value #CONCURRENCY}
 * at a time, from the load client in this JVM (ESTABLISH, PARAMS = told an address, CONFIRM, ACK =
 * confirmed). At the first device told its address after the {@link #KILL_AFTER n-th confirmations}
 * the load client's listener kills the server process with SIGKILL ({@link Process#destroyForcibly()}
 * on the JVM's own pid) while the other devices are in flight, and that device sends its CONFIRM only
 * once the process is gone, so every kill leaves a device told and not confirmed, whatever the timing.
 * The test restarts the process on the same database and port, and the burst goes on: the devices in
 * flight retransmit into the new process. Then:
 * <ol>
 * <li>the server is stopped cleanly and the Derby database read here: every confirmed device holds a
 * BOUND binding on the address it was told, every told device still holds its address, no address has
 * two devices and no device two addresses;</li>
 * <li>the server is started again and every told device establishes once more: each must be told the
 * same address; the store is read again after a clean stop.</li>
 * </ol>
 * The figures (devices told, confirmed before each kill, in flight at each kill, re-established,
 * duplicates, lost, restart times) are printed. Needs no root: loopback only.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashRestartIT {

    static final int DEVICES = Integer.getInteger("dtm.crash.devices", 500);
    static final int CONCURRENCY = Integer.getInteger("dtm.crash.concurrency", 64);
    /** Confirmed devices (counted over the whole burst) after which the next newly told device kills the server. */
    static final int[] KILL_AFTER = {DEVICES / 5, DEVICES * 3 / 5};
    static final Pattern READY = Pattern.compile("READY port=(\\d+) devices=(\\d+) leases=(\\d+) boot_ms=(\\d+)");
    /**
     * Requests are sent again every 500 ms for up to 30 s, so the devices in flight outlast a restart
     * of the server process and finish against the new one.
     */
    static final LeaseClient.Options OPTIONS = LeaseClient.Options.DEFAULTS.withTimeout(Duration.ofMillis(500))
            .withAttempts(60);

    @TempDir
    Path dir;

    private final List<ServerProcess> servers = new CopyOnWriteArrayList<>();
    private LeaseClient client;

    /** One kill: which, the ledger at the kill, when. */
    record Kill(int n, LeaseLedger.Snapshot at, long nanos) {
    }

    /** One restart after a kill: time from the kill to READY, and the new JVM's own start-to-ready time. */
    record Restart(long downMs, long bootMs, int leasesFound) {
    }

    @AfterEach
    void cleanUp() throws InterruptedException {
        if (client != null) {
            client.close();
        }
        for (ServerProcess s : servers) {
            s.destroy();
        }
    }

    @Test
    void killDashNineDuringABurstLosesNoToldAddressAndDuplicatesNone() throws Exception {
        ServerProcess first = start(0);
        int port = first.port;
        Map<DeviceId, byte[]> keys = CrashServerMain.readKeys(dir.resolve(CrashServerMain.KEYS_FILE));
        assertEquals(DEVICES, keys.size(), "keys of every enrolled device");
        List<DeviceId> devices = IntStream.rangeClosed(1, DEVICES).mapToObj(CrashServerMain::device).toList();

        LeaseLedger ledger = new LeaseLedger();
        AtomicReference<ServerProcess> current = new AtomicReference<>(first);
        BlockingQueue<Kill> kills = new LinkedBlockingQueue<>();
        for (int k = 0; k < KILL_AFTER.length; k++) {
            int n = k + 1;
            ledger.atToldAfterConfirmed(KILL_AFTER[k], snapshot -> {
                // SIGKILL from the listener, before the newly told device's CONFIRM is sent, and that
                // CONFIRM waits until the process is gone: at least one device is told and not confirmed
                current.get().killAndWait();
                kills.add(new Kill(n, snapshot, System.nanoTime()));
            });
        }
        AtomicReference<LeaseLedger> recording = new AtomicReference<>(ledger);
        client = new LeaseClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), keys, CONCURRENCY,
                listener(recording), OPTIONS);

        // the burst runs in its own thread; this one kills (through the listener) and restarts
        Iterator<DeviceId> source = devices.iterator();
        Iterator<DeviceId> started = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public DeviceId next() {
                DeviceId d = source.next();
                ledger.started(d);
                return d;
            }
        };
        CompletableFuture<LeaseClient.Result> burst = CompletableFuture.supplyAsync(
                () -> client.runFor(started, Duration.ofSeconds(60)));

        List<Kill> done = new ArrayList<>();
        List<Restart> restarts = new ArrayList<>();
        for (int k = 0; k < KILL_AFTER.length; k++) {
            Kill kill = kills.poll(60, TimeUnit.SECONDS);
            if (kill == null) {
                fail("no kill " + (k + 1) + " within 60 s: the burst never reached " + KILL_AFTER[k]
                        + " confirmations; ledger " + ledger.snapshot().confirmed() + " confirmed"
                        + (burst.isDone() ? ", burst ended: " + burst.get() : "") + diagnostics());
            }
            ServerProcess killed = current.get();
            assertTrue(killed.process.waitFor(10, TimeUnit.SECONDS), "killed server process ended");
            assertEquals(137, killed.process.exitValue(), "server process ended by SIGKILL (128 + 9)");
            ServerProcess again = start(port);
            current.set(again);
            done.add(kill);
            restarts.add(new Restart(TimeUnit.NANOSECONDS.toMillis(again.readyNanos - kill.nanos()), again.bootMs,
                    again.leasesFound));
        }
        LeaseClient.Result result;
        try {
            result = burst.get(90, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new AssertionError("burst did not finish: " + e + diagnostics(), e);
        }

        // 1. the store as the killed and restarted node left it, read directly after a clean stop
        current.get().stop();
        LeaseLedger.Verdict afterKills = readStore(ledger);

        // 2. every device that was told an address establishes again and is told the same one
        ServerProcess last = start(port);
        LeaseLedger again = new LeaseLedger();
        recording.set(again);
        List<DeviceId> told = ledger.told().keySet().stream().sorted().toList();
        LeaseClient.Result second = client.runOnce(told, Duration.ofSeconds(60));
        last.stop();
        List<String> differences = ledger.differencesFrom(again);
        LeaseLedger.Verdict afterRestart = readStore(again);

        // figures
        System.out.printf(Locale.ROOT, "crash: devices=%d concurrency=%d kills=%d, durable derby, loopback%n",
                DEVICES, CONCURRENCY, done.size());
        for (int i = 0; i < done.size(); i++) {
            Kill k = done.get(i);
            Restart r = restarts.get(i);
            Set<DeviceId> inFlight = k.at().inFlight();
            Map<DeviceId, InetAddress> confirmedNow = ledger.confirmed();
            long inFlightConfirmedLater = inFlight.stream().filter(confirmedNow::containsKey).count();
            System.out.printf(Locale.ROOT, "crash: kill %d (SIGKILL) at %d confirmed, %d told: in flight %d (told, not confirmed: %d),"
                            + " of them confirmed later %d; server down %d ms (kill to READY), new JVM start to READY"
                            + " %d ms, leases found on restart %d%n",
                    k.n(), k.at().confirmed(), k.at().told(), inFlight.size(), k.at().toldNotConfirmed().size(),
                    inFlightConfirmedLater, r.downMs(), r.bootMs(), r.leasesFound());
        }
        System.out.printf(Locale.ROOT, "crash: burst %s%n", result);
        System.out.printf(Locale.ROOT, "crash: retransmissions=%d strays=%d%n", client.retransmissions(),
                client.strayDatagrams());
        System.out.printf(Locale.ROOT, "crash: store after the kills: leases=%d bound=%d lost_confirmed=%d lost_told=%d"
                        + " duplicates=%d%n", afterKills.leases(), afterKills.bound(), afterKills.lostConfirmed(),
                afterKills.lostTold(), afterKills.duplicates());
        System.out.printf(Locale.ROOT, "crash: re-established after restart: %d of %d told devices, same address %d,"
                        + " different or missing %d (%s)%n", again.told().size(), told.size(),
                told.size() - differences.size(), differences.size(), second);
        System.out.printf(Locale.ROOT, "crash: store after re-establishing: leases=%d bound=%d lost_confirmed=%d lost_told=%d"
                        + " duplicates=%d%n", afterRestart.leases(), afterRestart.bound(), afterRestart.lostConfirmed(),
                afterRestart.lostTold(), afterRestart.duplicates());
        System.out.printf(Locale.ROOT, "crash: RESULT told=%d confirmed=%d duplicates=%d lost_confirmed=%d lost_told=%d"
                        + " told_another_address_again=%d%n", ledger.told().size(), ledger.confirmed().size(),
                afterKills.duplicates() + afterRestart.duplicates(), afterKills.lostConfirmed() + afterRestart.lostConfirmed(),
                afterKills.lostTold() + afterRestart.lostTold(), differences.size());

        assertEquals(KILL_AFTER.length, done.size(), "kills");
        for (Kill k : done) {
            assertTrue(k.at().toldNotConfirmed().size() > 0, "kill " + k.n() + " found a device told its address"
                    + " and not confirmed");
        }
        assertTrue(afterKills.ok(), "after " + KILL_AFTER.length + " kills:\n" + String.join("\n", afterKills.problems()));
        assertTrue(differences.isEmpty(), "establishing again:\n" + String.join("\n", differences));
        assertTrue(afterRestart.ok(), "after establishing again:\n" + String.join("\n", afterRestart.problems()));
        assertEquals(told.size(), again.confirmed().size(), "every told device confirmed again: " + second);
        assertEquals(0, result.refused(), "no device refused in the burst: " + ledger.refusals());
        assertEquals(DEVICES, ledger.told().size(), "every device was told an address (burst " + result + ")");
    }

    /** Records into whichever ledger {@code ledger} holds when the event comes. */
    private static LeaseClient.Listener listener(AtomicReference<LeaseLedger> ledger) {
        return new LeaseClient.Listener() {
            @Override
            public void told(DeviceId d, String pool, InetAddress a, long seq) {
                ledger.get().told(d, a);
            }

            @Override
            public void confirmed(DeviceId d, String pool, InetAddress a, long seq) {
                ledger.get().confirmed(d, a);
            }

            @Override
            public void refused(DeviceId d, String reason, String text) {
                ledger.get().refused(d, reason + ": " + text);
            }

            @Override
            public void timedOut(DeviceId d) {
                ledger.get().timedOut(d);
            }
        };
    }

    /** Opens the stopped server's database in this JVM and checks it against the ledger. */
    private LeaseLedger.Verdict readStore(LeaseLedger ledger) {
        List<Lease> leases;
        try (DerbyStore store = new DerbyStore(dir.resolve(CrashServerMain.DB))) {
            leases = store.leases(CrashServerMain.POOL);
        }
        return ledger.verify(leases, Instant.now());
    }

    private ServerProcess start(int port) throws IOException, InterruptedException {
        ServerProcess s = new ServerProcess(dir, servers.size() + 1, port);
        servers.add(s);
        s.awaitReady(Duration.ofSeconds(60), this::diagnostics);
        return s;
    }

    private String diagnostics() {
        StringBuilder b = new StringBuilder();
        for (ServerProcess s : servers) {
            b.append(s.diagnostics());
        }
        return b.toString();
    }

    /** One run of {@link CrashServerMain} as a child JVM, its standard output collected. */
    static final class ServerProcess {
        final int n;
        final Process process;
        final Path err;
        final List<String> out = new CopyOnWriteArrayList<>();
        /** Completed with the READY line, or exceptionally when the output ends before it. */
        final CompletableFuture<String> ready = new CompletableFuture<>();
        volatile long readyNanos;
        int port;
        long bootMs;
        int leasesFound;

        ServerProcess(Path dir, int n, int port) throws IOException {
            this.n = n;
            this.err = dir.resolve("server-" + n + ".err");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of(java, "-Xmx256m", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dderby.stream.error.file=" + dir.resolve("derby-" + n + ".log"),
                    "-cp", System.getProperty("java.class.path"), CrashServerMain.class.getName(),
                    dir.toString(), String.valueOf(DEVICES), String.valueOf(port));
            this.process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        out.add(line);
                        if (line.startsWith("READY")) {
                            readyNanos = System.nanoTime();
                            ready.complete(line);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
                ready.completeExceptionally(new IOException("standard output ended"));
            }, "crash-server-" + n + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        void awaitReady(Duration within, Supplier<String> diagnostics) throws InterruptedException {
            String line;
            try {
                line = ready.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("server process " + n + " ended before READY"
                        + (process.isAlive() ? "" : " with exit value " + process.exitValue()) + diagnostics.get());
            } catch (TimeoutException e) {
                throw new AssertionError("server process " + n + " not READY within " + within.toSeconds() + " s"
                        + diagnostics.get());
            }
            Matcher m = READY.matcher(line);
            if (!m.matches()) {
                fail("server process " + n + ": unexpected READY line '" + line + "'" + diagnostics.get());
            }
            port = Integer.parseInt(m.group(1));
            leasesFound = Integer.parseInt(m.group(3));
            bootMs = Long.parseLong(m.group(4));
        }

        /** SIGKILL. */
        /** SIGKILL, then waits up to 10 s for the process to end; the test checks its exit value after. */
        void killAndWait() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Closes its standard input (its stop signal) and waits for a clean exit. */
        void stop() throws InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                fail("cannot stop server process " + n + ": " + e + diagnostics());
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                fail("server process " + n + " did not stop within 30 s" + diagnostics());
            }
            assertEquals(0, process.exitValue(), "server process " + n + " stopped cleanly" + diagnostics());
        }

        /** Ends it whatever state it is in. */
        void destroy() throws InterruptedException {
            if (!process.isAlive()) {
                return;
            }
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // gone already
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        String diagnostics() {
            StringBuilder b = new StringBuilder("\n--- server ").append(n).append(" stdout:\n").append(String.join("\n", out));
            try {
                List<String> lines = Files.readAllLines(err);
                b.append("\n--- server ").append(n).append(" stderr (tail):\n")
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            } catch (IOException e) {
                b.append("\n--- server ").append(n).append(" stderr unreadable: ").append(e);
            }
            return b.toString();
        }
    }
}
