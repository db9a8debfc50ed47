package net.dtm.vendor.huaweivrp.emulator;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import net.dtm.config.ssh.testkit.EmulatedDevice;
import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.config.ssh.testkit.ManualClock;

/**
 * A Huawei VRP 8 router in two-stage commit mode, for tests: one running configuration (a
 * {@link VrpModel}), a private candidate per CLI session ({@link VrpEmulatorShell}), numbered
 * commits, and {@code commit trial} whose timer runs on a {@link ManualClock}: when it falls due the
 * running configuration returns to what it was before the trial. A session that ends (cleanly or
 * dropped) loses its uncommitted candidate; a running trial timer is not affected.
 * Thread-safe: every session and the clock's timers lock this object.
 */
public final class VrpEmulator implements EmulatedDevice {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'+00:00'")
            .withZone(ZoneOffset.UTC);

    /** One entry of {@code display configuration commit list}. */
    record Commit(long id, String user, String time, boolean trial) {
    }

    private record Trial(long id, VrpModel before, ManualClock.Timer timer) {
    }

    private final ManualClock clock;
    private final String user;
    private VrpModel running;
    private final List<Commit> commits = new ArrayList<>();
    private long nextCommitId = 1_000_000_001L;
    private Trial trial;
    private final List<String> received = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private int sessions;
    private boolean twoStage = true;
    private Consumer<String> onLine = l -> { };

    /**
     * A device named HUAWEI with GigabitEthernet0/0/1 at {@code 192.0.2.1/24} (the outer address
     * tunnels start from) and a first commit for that configuration.
     */
    public VrpEmulator(ManualClock clock, String user) {
        this.clock = clock;
        this.user = user;
        reset();
    }

    /** Back to the factory state above: a trial in progress is dropped, the commit list restarts. */
    public synchronized void reset() {
        if (trial != null) {
            trial.timer().cancel();
            trial = null;
        }
        running = new VrpModel();
        VrpModel.Iface ge = new VrpModel.Iface("GigabitEthernet0/0/1");
        ge.address = "192.0.2.1";
        ge.mask = "255.255.255.0";
        running.interfaces.put(ge.name, ge);
        commits.clear();
        nextCommitId = 1_000_000_001L;
        commits.add(0, new Commit(nextCommitId++, "root", TIME.format(clock.now()), false));
        twoStage = true;
        onLine = l -> { };
    }

    @Override
    public synchronized EmulatedShell openShell() {
        return new VrpEmulatorShell(this, ++sessions);
    }

    @Override
    public void sessionEnded(EmulatedShell shell) {
        synchronized (this) {
            if (shell instanceof VrpEmulatorShell s) {
                s.drop();
            }
        }
    }

    // ------------------------------------------------------------------ for tests

    /** The running configuration as {@code display current-configuration} prints it. */
    public synchronized String runningConfig() {
        return running.render();
    }

    /** The running sysname. */
    public synchronized String sysname() {
        return running.sysname;
    }

    /** Another operator commits {@code name} as the sysname (outside any emulated session). */
    public synchronized void commitSysname(String name) {
        VrpModel next = running.copy();
        next.sysname = name;
        running = next;
        commits.add(0, new Commit(nextCommitId++, "admin", TIME.format(clock.now()), false));
    }

    /** Another operator commits a tunnel interface with only a description (a tunnel DTM did not build). */
    public synchronized void commitForeignTunnel(String name, String description) {
        VrpModel next = running.copy();
        VrpModel.Iface i = new VrpModel.Iface(name);
        i.description = description;
        next.interfaces.put(name, i);
        running = next;
        commits.add(0, new Commit(nextCommitId++, "admin", TIME.format(clock.now()), false));
    }

    /**
     * Another operator commits interface {@code name} with a dynamic address ({@code how} is
     * {@code dhcp-alloc} or {@code ppp-negotiate}) that has {@code leased}/{@code mask}: the
     * configuration shows only {@code ip address dhcp-alloc}, {@code display ip interface brief} the
     * address, as on a router whose uplink is DHCP, PPPoE or a cellular modem.
     */
    public synchronized void commitDynamicInterface(String name, String how, String leased, String mask) {
        VrpModel next = running.copy();
        VrpModel.Iface i = new VrpModel.Iface(name);
        i.dynamic = how;
        i.leased = leased;
        i.mask = mask;
        next.interfaces.put(name, i);
        running = next;
        commits.add(0, new Commit(nextCommitId++, "admin", TIME.format(clock.now()), false));
    }

    /**
     * Another operator commits a secondary address ({@code ip address A MASK sub}) on existing
     * interface {@code name}; {@code display ip interface brief} shows an interface's primary address only.
     */
    public synchronized void commitSecondaryAddress(String name, String address, String mask) {
        VrpModel next = running.copy();
        next.interfaces.get(name).subs.add(address + " " + mask);
        running = next;
        commits.add(0, new Commit(nextCommitId++, "admin", TIME.format(clock.now()), false));
    }

    /** Switches the device to immediate commit mode ({@code [name]} prompts, every line takes effect at once). */
    public synchronized void immediateMode() {
        twoStage = false;
    }

    /** True while a trial commit waits for its confirmation. */
    public synchronized boolean trialRunning() {
        return trial != null;
    }

    /** The commit ids, newest first. */
    public synchronized List<Long> commitIds() {
        return commits.stream().map(Commit::id).toList();
    }

    /** Every line any session typed, as {@code sN: line}, in order. */
    public synchronized List<String> received() {
        return List.copyOf(received);
    }

    /** What the device did on its own (trial timer rollbacks, dropped candidates). */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** Runs {@code hook} with each line as it arrives, before the device handles it (to act mid-session). */
    public synchronized void onLine(Consumer<String> hook) {
        this.onLine = hook;
    }

    // ------------------------------------------------------------------ for the shells

    synchronized VrpModel running() {
        return running;
    }

    synchronized boolean twoStage() {
        return twoStage;
    }

    synchronized void received(int session, String line) {
        received.add("s" + session + ": " + line);
        Consumer<String> hook = onLine;
        hook.accept(line);
    }

    synchronized void event(String what) {
        events.add(what);
    }

    synchronized List<Commit> commits() {
        return Collections.unmodifiableList(new ArrayList<>(commits));
    }

    /**
     * Makes {@code candidate} the running configuration: a plain commit (which also confirms a
     * running trial), or a trial of {@code trialSeconds}. Returns what the device prints.
     */
    synchronized String commit(Optional<VrpModel> candidate, Optional<Long> trialSeconds) {
        if (trialSeconds.isPresent()) {
            if (trial != null) {
                return "Error: A trial commit is in progress. Commit or abort it first.";
            }
            if (candidate.isEmpty()) {
                return "Error: No configuration changes to commit.";
            }
            Commit c = newCommit(true);
            VrpModel before = running;
            running = candidate.get().copy();
            long id = c.id();
            trial = new Trial(id, before, clock.schedule(Duration.ofSeconds(trialSeconds.get()), () -> trialExpired(id)));
            return "Committing..done.\nInfo: The system enters the trial configuration mode. The system will revert to previous "
                    + "configuration if the trial configuration is not confirmed in " + trialSeconds.get() + " seconds.";
        }
        StringBuilder out = new StringBuilder();
        if (trial != null) {
            trial.timer().cancel();
            out.append("Info: The trial configuration is confirmed.");
            trial = null;
        }
        if (candidate.isPresent()) {
            out.insert(0, out.length() == 0 ? "Committing..done." : "Committing..done.\n");
            newCommit(false);
            running = candidate.get().copy();
        } else if (out.length() == 0) {
            out.append("Info: No configuration changes to commit.");
        }
        return out.toString();
    }

    /** {@code abort trial}. */
    synchronized String abortTrial() {
        if (trial == null) {
            return "Error: No trial commit exists.";
        }
        trial.timer().cancel();
        rollBackTrial("aborted");
        return "Info: The trial commit was rolled back.";
    }

    private synchronized void trialExpired(long id) {
        if (trial != null && trial.id() == id) {
            rollBackTrial("timer expired");
        }
    }

    private void rollBackTrial(String why) {
        running = trial.before();
        long id = trial.id();
        commits.removeIf(c -> c.id() == id);
        events.add("trial commit " + id + " rolled back: " + why);
        trial = null;
    }

    private Commit newCommit(boolean isTrial) {
        Commit c = new Commit(nextCommitId++, user, TIME.format(clock.now()), isTrial);
        commits.add(0, c);
        return c;
    }

    /** {@code display configuration commit list}. */
    synchronized String commitList() {
        StringBuilder b = new StringBuilder();
        String rule = " " + "-".repeat(78) + "\n";
        b.append(rule).append(String.format(" %-5s%-13s%-10s%-14s%s%n", "No.", "CommitId", "Label", "User", "Time")).append(rule);
        int n = 1;
        for (Commit c : commits) {
            b.append(String.format(" %-5d%-13d%-10s%-14s%s%n", n++, c.id(), "-", c.user(), c.time()));
        }
        return b.toString().stripTrailing();
    }
}
