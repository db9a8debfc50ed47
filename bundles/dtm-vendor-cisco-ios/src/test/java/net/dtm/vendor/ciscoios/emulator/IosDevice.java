package net.dtm.vendor.ciscoios.emulator;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import net.dtm.config.ssh.testkit.EmulatedDevice;
import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.config.ssh.testkit.ManualClock;

/**
 * An emulated Cisco IOS router for tests: the running configuration (a model, rendered as IOS
 * prints it), the configuration archive, and the {@code configure terminal revert timer} on a
 * {@link ManualClock} live here, shared by every session; each shell has its own mode
 * ({@link IosShell}). A dropped session does not stop the revert timer, as on IOS. Thread-safe: every
 * state change holds this object's lock.
 */
public final class IosDevice implements EmulatedDevice {

    private static final DateTimeFormatter ARCHIVE_TIME = DateTimeFormatter.ofPattern("MMM-d-HH-mm-ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ManualClock clock;
    private IosConfig running;
    private IosConfig startup;
    private final Map<String, IosConfig> archives = new LinkedHashMap<>();
    private int archiveCount;
    private IosConfig checkpoint;
    private ManualClock.Timer revertTimer;
    private final List<Pattern> refused = new ArrayList<>();
    private final Map<Pattern, Duration> stalls = new LinkedHashMap<>();
    private int stalling;
    private final Set<String> reachable = new HashSet<>();
    private final List<String> received = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    /** The address DHCP gave GigabitEthernet0/1 ({@code ip address dhcp}). */
    public static final String DHCP_ADDRESS = "10.20.30.41";
    /** The address IPCP gave Cellular0/1/0 ({@code ip address negotiated}). */
    public static final String CELLULAR_ADDRESS = "100.64.17.9";
    /** The address SLAAC gave Cellular0/1/0 ({@code ipv6 address autoconfig}), as IOS prints it. */
    public static final String CELLULAR_V6 = "2001:DB8:CE11::9";

    /**
     * A router named {@code hostname} as a vehicle router is wired, archive configured, every
     * interface described as operators do: Loopback0 10.255.0.1/32, GigabitEthernet0/0 =
     * {@code outer}/24, GigabitEthernet0/1 on DHCP (leased {@value #DHCP_ADDRESS}) and the LTE modem
     * Cellular0/1/0 ({@code ip address negotiated}, got {@value #CELLULAR_ADDRESS}, and
     * {@value #CELLULAR_V6} by SLAAC).
     */
    public IosDevice(String hostname, String outer, ManualClock clock) {
        this.clock = clock;
        this.running = new IosConfig(hostname);
        running.archive = true;
        running.archivePath = "flash:dtm-archive";
        running.archiveMaximum = 14;
        IosConfig.Interface lo = new IosConfig.Interface("Loopback0");
        lo.description = "router id";
        lo.ipAddress = "10.255.0.1";
        lo.ipMask = "255.255.255.255";
        IosConfig.Interface g = new IosConfig.Interface("GigabitEthernet0/0");
        g.description = "WAN uplink (fibre)";
        g.ipAddress = outer;
        g.ipMask = "255.255.255.0";
        IosConfig.Interface dhcp = new IosConfig.Interface("GigabitEthernet0/1");
        dhcp.description = "depot Wi-Fi bridge";
        dhcp.ipDynamic = "dhcp";
        dhcp.leased = DHCP_ADDRESS;
        IosConfig.Interface cell = new IosConfig.Interface("Cellular0/1/0");
        cell.description = "WAN uplink (Cellular0/1/0)";
        cell.ipDynamic = "negotiated";
        cell.leased = CELLULAR_ADDRESS;
        cell.ipv6Autoconfig = true;
        cell.ipv6Learned.add(CELLULAR_V6);
        for (IosConfig.Interface i : List.of(lo, g, dhcp, cell)) {
            running.interfaces.put(i.name, i);
        }
        this.startup = running.copy();
    }

    @Override
    public EmulatedShell openShell() {
        return new IosShell(this);
    }

    @Override
    public void sessionEnded(EmulatedShell shell) {
        synchronized (this) {
            events.add("session ended" + (revertTimer != null ? ", revert timer still running" : ""));
        }
    }

    // ------------------------------------------------------------------ test controls

    /** Configures ({@code archive} / {@code path flash:dtm-archive} / {@code maximum 14}) or removes the archive. */
    public synchronized IosDevice archive(boolean configured) {
        running.archive = configured;
        running.archivePath = configured ? "flash:dtm-archive" : null;
        running.archiveMaximum = configured ? 14 : null;
        return this;
    }

    /** From now on lines matching {@code line} get IOS's invalid-input error (caret under the last word). */
    public synchronized IosDevice refuse(Pattern line) {
        refused.add(line);
        return this;
    }

    /**
     * From now on a line matching {@code line} is answered only after {@code delay}, as a router
     * busy with it (the wait holds no lock: other sessions go on).
     */
    public synchronized IosDevice stall(Pattern line, Duration delay) {
        stalls.put(line, delay);
        return this;
    }

    /** True while some session waits out a {@link #stall}. */
    public synchronized boolean stalling() {
        return stalling > 0;
    }

    synchronized Duration stallFor(String line) {
        return stalls.entrySet().stream().filter(e -> e.getKey().matcher(line).matches()).map(Map.Entry::getValue)
                .findFirst().orElse(Duration.ZERO);
    }

    synchronized void stalling(int delta) {
        stalling += delta;
    }

    /** Stops refusing lines. */
    public synchronized void refuseNothing() {
        refused.clear();
    }

    /** Pings to {@code address} answer. */
    public synchronized IosDevice answerPings(String address) {
        reachable.add(address.toUpperCase(Locale.ROOT));
        return this;
    }

    /**
     * DHCP or IPCP gives {@code iface} (configured {@code ip address dhcp} or {@code negotiated})
     * the address {@code address}, or takes it away ({@code null}); the running configuration does
     * not change, as on IOS.
     */
    public synchronized IosDevice lease(String iface, String address) {
        running.interfaces.get(iface).leased = address;
        return this;
    }

    /** Sets the hostname (as {@code hostname X} would). */
    public synchronized void hostname(String name) {
        running.hostname = name;
    }

    public synchronized String hostname() {
        return running.hostname;
    }

    /** The running configuration as {@code show running-config} prints it after the header. */
    public synchronized List<String> runningConfig() {
        return running.lines();
    }

    /** Every line typed into any shell of this device, in order (a copy). */
    public synchronized List<String> received() {
        return List.copyOf(received);
    }

    /** True while a revert timer runs. */
    public synchronized boolean revertPending() {
        return revertTimer != null;
    }

    /** What happened to the device's timers and sessions, in order (a copy). */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    // ------------------------------------------------------------------ for IosShell

    synchronized IosConfig config() {
        return running;
    }

    synchronized void record(String line) {
        received.add(line);
    }

    synchronized boolean isRefused(String line) {
        return refused.stream().anyMatch(p -> p.matcher(line).matches());
    }

    synchronized boolean answers(String address) {
        return reachable.contains(address.toUpperCase(Locale.ROOT));
    }

    /** {@code configure terminal revert timer N}: error text, or empty when armed. */
    synchronized Optional<String> armRevert(int minutes) {
        if (!running.archiveReady()) {
            return Optional.of("%Archive path is not configured. Please configure archive path before using this feature.");
        }
        if (revertTimer != null) {
            return Optional.of("%Rollback Confirmed Change is already pending; confirm or revert it first.");
        }
        checkpoint = running.copy();
        archive(checkpoint);
        revertTimer = clock.schedule(Duration.ofMinutes(minutes), this::timerFired);
        events.add("revert timer armed for " + minutes + " min");
        return Optional.empty();
    }

    synchronized Optional<String> confirm() {
        if (revertTimer == null) {
            return Optional.of("%No Rollback Confirmed Change pending.");
        }
        revertTimer.cancel();
        revertTimer = null;
        checkpoint = null;
        events.add("confirmed");
        return Optional.empty();
    }

    synchronized Optional<String> revertNow() {
        if (revertTimer == null) {
            return Optional.of("%No Rollback Confirmed Change pending.");
        }
        revertTimer.cancel();
        restoreCheckpoint("reverted now");
        return Optional.empty();
    }

    private synchronized void timerFired() {
        if (revertTimer != null) {
            restoreCheckpoint("reverted by the timer");
        }
    }

    private void restoreCheckpoint(String event) {
        IosConfig now = running;
        running = checkpoint.copy();
        running.archiveFrom(now);
        checkpoint = null;
        revertTimer = null;
        events.add(event);
    }

    private void archive(IosConfig config) {
        String name = running.archivePath + "-" + ARCHIVE_TIME.format(clock.now()) + "-" + archiveCount++;
        archives.put(name, config.copy());
        while (archives.size() > running.archiveLimit()) {
            archives.remove(archives.keySet().iterator().next());
        }
    }

    /** {@code show archive}. */
    synchronized String showArchive() {
        if (!running.archiveReady()) {
            return "Archive feature not enabled\n";
        }
        int limit = running.archiveLimit();
        StringBuilder b = new StringBuilder("The maximum archive configurations allowed is " + limit + ".\n");
        b.append("The next archive file will be named ").append(running.archivePath).append("-<timestamp>-").append(archiveCount)
                .append('\n');
        b.append(" Archive #  Name\n");
        List<String> names = new ArrayList<>(archives.keySet());
        for (int i = 0; i < limit; i++) {
            b.append(String.format("  %2d        ", i + 1));
            if (i < names.size()) {
                b.append(names.get(i)).append(i == names.size() - 1 ? " <- Most Recent" : "");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** {@code show ip interface brief}: the IPv4 address each interface uses now, DHCP's and IPCP's included. */
    synchronized String showIpInterfaceBrief() {
        StringBuilder b = new StringBuilder(String.format("%-23s%-16s%-4s%-7s%-22s%s%n", "Interface", "IP-Address", "OK?",
                "Method", "Status", "Protocol"));
        for (IosConfig.Interface i : running.interfaces.values()) {
            String address = i.addressInUse();
            String method = i.ipDynamic == null ? (address == null ? "unset" : "manual")
                    : i.ipDynamic.equals("dhcp") ? "DHCP" : "IPCP";
            String[] state = i.state();
            b.append(String.format("%-23s%-16s%-4s%-7s%-22s%s%n", i.name, address == null ? "unassigned" : address, "YES",
                    method, state[0], state[1]));
        }
        return b.toString().replace(System.lineSeparator(), "\n");
    }

    /** {@code show ipv6 interface brief}: each interface with its state, then its IPv6 addresses or "unassigned". */
    synchronized String showIpv6InterfaceBrief() {
        StringBuilder b = new StringBuilder();
        int index = 0;
        for (IosConfig.Interface i : running.interfaces.values()) {
            String[] state = i.state();
            b.append(String.format("%-23s", i.name)).append('[').append(state[0]).append('/').append(state[1]).append("]\n");
            List<String> addresses = i.ipv6InUse(++index);
            if (addresses.isEmpty()) {
                b.append("    unassigned\n");
            }
            addresses.forEach(a -> b.append("    ").append(a).append('\n'));
        }
        return b.toString();
    }

    /** A configuration by the name IOS's archive commands use, or null. */
    synchronized IosConfig named(String name) {
        return switch (name) {
            case "system:running-config" -> running;
            case "nvram:startup-config" -> startup;
            default -> archives.get(name);
        };
    }

    synchronized IosConfig startup() {
        return startup;
    }

    synchronized void writeMemory() {
        startup = running.copy();
    }
}
