package net.dtm.vendor.mikrotik;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;

/**
 * A session on one RouterOS device over its SSH terminal. Reads run exports and prints
 * ({@link RunningStateReader}); a batch is sent line by line and stops at the first line the device
 * answers with an error. It also holds the state of the rollback net armed through
 * {@link MikrotikSafeMode}: RouterOS safe mode, and nothing else. Where safe mode cannot be taken
 * (another session holds it) nothing is changed: RouterOS undoes every change made while another
 * session holds safe mode when that session unrolls or drops, so a change DTM confirmed then could
 * vanish unseen. Closing never logs out, so a change still in safe mode is undone by RouterOS.
 */
final class MikrotikSession implements ConfigSession {
    private static final Logger LOG = LoggerFactory.getLogger(MikrotikSession.class);
    private static final Pattern RECEIVED = Pattern.compile("received=(\\d+)");
    /** {@code version: 7.16.1 (stable)} in {@code /system resource print}. */
    private static final Pattern VERSION = Pattern.compile("(?m)^\\s*version:\\s*((\\d+)\\.(\\d+)\\S*)");

    /** Which rollback net is armed. */
    enum Net { NONE, SAFE_MODE }

    private final RouterOsTerminal terminal;
    private final RunningStateReader reader;
    /** The release the router reports, read once a session. */
    private String version;
    private Net net = Net.NONE;
    /** The last export, reused until this session sends anything else (check, then read, one round trip). */
    private List<String> cachedMenus = List.of();
    private String cachedExport;

    MikrotikSession(RouterOsTerminal terminal) {
        this.terminal = terminal;
        this.reader = new RunningStateReader(this::export);
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        return reader.read(name, role);
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        return reader.list(prefix);
    }

    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        List<String> problems = new ArrayList<>();
        releaseProblem().ifPresent(problems::add);
        reader.foreign(intent.name()).ifPresent(menu -> problems.add("interface " + intent.name() + " exists on mikrotik "
                + terminal.where() + " (" + menu + ") but was not built by DTM (no comment=" + RouterOsSyntax.tag(intent.name())
                + "); rename it or choose another name, DTM will not take it over"));
        if (!reader.addresses().contains(intent.localOuter())) {
            problems.add("local outer address " + Cidr.format(intent.localOuter()) + " of tunnel " + intent.name()
                    + " is not configured on mikrotik " + terminal.where() + " (/ip address, /ipv6 address)");
        }
        return problems;
    }

    @Override
    public void apply(List<String> commands) throws ConfigException {
        cachedExport = null;
        int n = 0;
        for (String command : commands) {
            n++;
            String out = terminal.send(command);
            Optional<String> error = DeviceErrors.of(out);
            if (error.isPresent()) {
                throw new ConfigException("mikrotik " + terminal.where() + " refused line " + n + " of " + commands.size()
                        + " (" + command + "): " + error.get(), true);
            }
            if (net == Net.SAFE_MODE && !terminal.inSafeMode()) {
                throw new ConfigException("mikrotik " + terminal.where() + ": safe mode was taken from this session "
                        + "while applying (line " + n + " of " + commands.size() + ")", false);
            }
        }
        LOG.debug("mikrotik {}: applied {} lines", terminal.where(), commands.size());
    }

    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        cachedExport = null;
        long count = Math.max(1, Math.min(10, timeout.toSeconds()));
        String out = terminal.send("/ping address=" + Cidr.format(intent.peerInner()) + " interface=" + intent.name()
                + " count=" + count);
        Matcher m = RECEIVED.matcher(out);
        int received = 0;
        while (m.find()) {
            received = Integer.parseInt(m.group(1));
        }
        return received > 0;
    }

    @Override
    public void close() {
        if (net == Net.SAFE_MODE) {
            LOG.warn("mikrotik {}: session closed with an unconfirmed change in safe mode; RouterOS undoes it",
                    terminal.where());
        }
        terminal.close();
    }

    /**
     * Why this router's release cannot be served, if it cannot: the adapter needs RouterOS 7.7 or
     * later (VXLAN {@code local-address} exists from 7.7 on; IPv6 VTEPs from 7.6). The release is
     * read from the router ({@code /system resource print}), not taken from the target's settings.
     */
    private Optional<String> releaseProblem() throws ConfigException {
        if (version == null) {
            String out = terminal.send("/system resource print");
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                return Optional.of("cannot tell which RouterOS release mikrotik " + terminal.where() + " runs: "
                        + "/system resource print shows no version (" + firstLine(out) + "); DTM changes nothing there");
            }
            version = m.group(1);
        }
        Matcher m = VERSION.matcher("version: " + version);
        m.find();
        int major = Integer.parseInt(m.group(2));
        int minor = Integer.parseInt(m.group(3));
        if (major != 7 || minor < 7) {
            return Optional.of("mikrotik " + terminal.where() + " runs RouterOS " + version + "; the mikrotik adapter "
                    + "needs RouterOS 7.7 or later (7.x), upgrade the router or leave it out of DTM");
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ rollback net (MikrotikSafeMode)

    /**
     * Enters safe mode. Refuses (rejected = false: a later retry can succeed) when another session
     * holds it: taking it over would unroll or adopt an operator's work, and changing the router
     * under their safe mode would tie DTM's change to their session, undone with it unseen. Refuses
     * too when the device does not show safe mode after Ctrl-X for any other reason (RouterOS
     * documents none; the device's answer is quoted): there is no other net DTM trusts.
     */
    void arm() throws ConfigException {
        cachedExport = null;
        if (net != Net.NONE) {
            throw new ConfigException("mikrotik " + terminal.where() + ": a change is already armed in this session", false);
        }
        if (!terminal.inSafeMode()) {
            String out = terminal.keys(RouterOsTerminal.CTRL_X);
            if (!terminal.inSafeMode() && terminal.asksHijack()) {
                // Another session holds safe mode: never take it from an operator ("d" = don't take it).
                terminal.send("d");
                if (terminal.asksHijack()) {
                    terminal.keys(RouterOsTerminal.CTRL_C);
                }
                LOG.warn("mikrotik {}: another session holds safe mode; nothing changed", terminal.where());
                throw new ConfigException("another session holds safe mode on " + terminal.where()
                        + "; DTM changes nothing until it is released", false);
            }
            if (!terminal.inSafeMode()) {
                throw new ConfigException("mikrotik " + terminal.where() + " did not enter safe mode after Ctrl-X ("
                        + firstLine(out) + "); DTM changes nothing without it", false);
            }
        }
        net = Net.SAFE_MODE;
        LOG.info("mikrotik {}: safe mode taken; RouterOS undoes the change if this session ends unconfirmed",
                terminal.where());
    }

    /** Keeps the change: leaves safe mode. */
    void confirmChange() throws ConfigException {
        cachedExport = null;
        Net was = net;
        net = Net.NONE;
        if (was == Net.SAFE_MODE) {
            terminal.send(""); // a fresh prompt: another session may have taken safe mode since the last line
            if (!terminal.inSafeMode()) {
                // Another session took safe mode over ("release"): our change now hangs on its session.
                throw new ConfigException("mikrotik " + terminal.where() + ": another session took safe mode over "
                        + "before the change was confirmed", false);
            }
            terminal.keys(RouterOsTerminal.CTRL_X);
            if (terminal.inSafeMode()) {
                net = Net.SAFE_MODE;
                throw new ConfigException("mikrotik " + terminal.where() + ": the device did not leave safe mode", false);
            }
            LOG.info("mikrotik {}: change kept, safe mode left", terminal.where());
        }
    }

    /** Undoes the change: ends the connection in safe mode and logs in again. */
    void revertChange() throws ConfigException {
        cachedExport = null;
        Net was = net;
        net = Net.NONE;
        if (was == Net.SAFE_MODE) {
            LOG.warn("mikrotik {}: reverting by ending the session in safe mode (Ctrl-D), then logging in again",
                    terminal.where());
            terminal.dropAndReconnect();
        } else {
            throw new ConfigException("mikrotik " + terminal.where() + ": nothing armed to revert", false);
        }
    }

    /** The armed rollback net. */
    Net net() {
        return net;
    }

    private String export(List<String> menus) throws ConfigException {
        if (cachedExport != null && cachedMenus.equals(menus)) {
            return cachedExport;
        }
        String out = terminal.send(String.join("; ", menus));
        for (String line : out.split("\n")) {
            String l = line.trim();
            if (!l.startsWith("/") && !l.startsWith("#") && DeviceErrors.known(l)) {
                throw new ConfigException("mikrotik " + terminal.where() + ": reading the running state ("
                        + String.join("; ", menus) + ") failed: " + l, false);
            }
        }
        cachedMenus = menus;
        cachedExport = out;
        return out;
    }

    private static String firstLine(String text) {
        return text.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse("no answer");
    }
}
