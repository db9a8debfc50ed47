package net.dtm.vendor.huaweivrp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.ssh.CliShell;
import net.dtm.spi.config.ssh.SshConnection;

/**
 * A session on one VRP device in two-stage commit mode, over one SSH shell that stays in the
 * system view. Opening it turns paging off ({@code screen-length 0 temporary}); the first change
 * enters {@code system-view}, and a device whose system view does not show the two-stage marker
 * ({@code [~name]}) is refused there, since its changes would take effect line by line. What the
 * session read is kept until its next change, so the core's check and read that follow each other
 * cost one look at the device; reading back after a change always asks the device again.
 *
 * <p>{@link #apply} puts every line into this session's candidate, stopping at the first the
 * device refuses (the candidate is then cleared and nothing is committed), logs the device's own
 * diff ({@code display configuration candidate changes}) and commits: {@code commit trial N} when
 * the core armed the device's timer ({@link VrpCommitConfirm}), else {@code commit}. Success is
 * never decided from the device's text: the core reads the state back. The commit id of each
 * commit is taken from {@code display configuration commit list} for the log, and to check that a
 * trial is really gone after {@code abort trial} and still there when it is confirmed. The prompt
 * is not trusted for that either: VRP shows {@code [*name]} for as long as a trial runs.
 */
final class VrpSession implements ConfigSession {

    private static final Logger LOG = LoggerFactory.getLogger(VrpSession.class);
    /** VRP's shortest trial period. */
    static final Duration MIN_TRIAL = Duration.ofSeconds(60);
    /** VRP's longest trial period. */
    static final Duration MAX_TRIAL = Duration.ofSeconds(65535);
    private static final Pattern LOSS = Pattern.compile("([\\d.]+)% packet loss");

    private final SshConnection connection;
    private final VrpCli cli;
    private final VrpTarget target;
    private final String where;

    private Optional<Duration> armed = Optional.empty();
    private boolean trialRunning;
    private String trialCommit = "";
    private boolean inSubView;
    private boolean inSystemView;
    /** What this session read since its last change: check and the core's read follow each other. */
    private Map<String, TunnelConfig> tunnelCache;
    private List<StaticRoute> routeCache;

    private VrpSession(SshConnection connection, VrpCli cli, VrpTarget target, String where) {
        this.connection = connection;
        this.cli = cli;
        this.target = target;
        this.where = where;
    }

    /**
     * Opens the shell on {@code connection} and turns paging off.
     *
     * @throws ConfigException if the shell fails, or (rejected) the device is not in two-stage mode
     */
    static VrpSession open(SshConnection connection, VrpTarget target, String where) throws ConfigException {
        CliShell shell = connection.shell(VrpPrompt.PATTERN);
        VrpSession s = new VrpSession(connection, new VrpCli(shell, target.commandTimeout(), where), target, where);
        try {
            s.start();
            return s;
        } catch (ConfigException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void start() throws ConfigException {
        VrpPrompt p = promptNow();
        if (!p.userView()) {
            cli.expect("return");
        }
        cli.expect("screen-length 0 temporary");
        LOG.debug("huawei-vrp {}: session open, prompt {}", where, cli.rawPrompt());
    }

    /**
     * Enters the system view on the first change (a session that only reads stays in the user
     * view); refuses a device that is not in two-stage commit mode.
     */
    private void systemView() throws ConfigException {
        if (inSystemView) {
            return;
        }
        cli.expect("system-view");
        VrpPrompt p = promptNow();
        if (p.userView()) {
            throw new ConfigException("huawei-vrp device " + where + " did not enter the system view (prompt " + p.raw() + ")", false);
        }
        inSystemView = true;
        if (!p.twoStage()) {
            throw new ConfigException("huawei-vrp device " + where + " commits every line at once (prompt " + p.raw()
                    + "): DTM needs VRP's two-stage commit mode, whose system view shows [~name]", true);
        }
        if (p.dirty()) {
            cli.expect("clear configuration candidate");
        }
    }

    private VrpPrompt promptNow() throws ConfigException {
        return cli.prompt().orElseThrow(() -> new ConfigException("huawei-vrp device " + where + " shows a prompt that is not VRP's: '"
                + cli.rawPrompt() + "'", false));
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        Optional<Integer> number = target.numbers().number(name);
        if (number.isEmpty()) {
            return Optional.empty();
        }
        String iface = VrpSyntax.TUNNEL_PREFIX + number.get();
        TunnelConfig config = tunnels().get(iface);
        if (config == null || !config.ownedBy(name)) {
            return Optional.empty();
        }
        List<StaticRoute> routes = routes().stream().filter(r -> r.outInterface().equalsIgnoreCase(iface)).toList();
        return Optional.of(config.toIntent(name, role, routes));
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        TreeSet<String> names = new TreeSet<>();
        for (TunnelConfig c : tunnels().values()) {
            c.owner().filter(n -> n.startsWith(prefix)).ifPresent(names::add);
        }
        return List.copyOf(names);
    }

    /**
     * The tunnel number the intent maps to must be free or already the intent's own, and the local
     * outer address must be up on an interface of the device ({@code display ip interface brief},
     * which also shows addresses a link got from DHCP or PPP).
     */
    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        Optional<String> problem = target.numbers().problem(intent.name());
        if (problem.isPresent()) {
            return List.of(problem.get());
        }
        List<String> problems = new ArrayList<>();
        localOuterProblem(intent).ifPresent(problems::add);
        String iface = target.numbers().interfaceOf(intent.name());
        TunnelConfig there = tunnels().get(iface);
        if (there == null || there.ownedBy(intent.name())) {
            return problems;
        }
        String whose = there.owner().map(o -> "it belongs to DTM's '" + o + "' (same number)")
                .orElse(there.description().isEmpty() ? "it has no description" : "its description is '" + there.description() + "'");
        problems.add(iface + ", the tunnel interface '" + intent.name() + "' maps to on this device, already exists and is not "
                + intent.name() + "'s: " + whose + "; DTM does not take over a tunnel it did not build (remove it, rename the "
                + "intent or set the target option tunnel.base)");
        return problems;
    }

    private Optional<String> localOuterProblem(TunnelIntent intent) throws ConfigException {
        VrpCli.Reply r = cli.run("display ip interface brief");
        if (!r.ok()) {
            LOG.debug("huawei-vrp {}: cannot list the interface addresses ({}); local outer address not checked", where, r.error().get());
            return Optional.empty();
        }
        List<String> up = new ArrayList<>();
        for (String line : r.output().split("\\r?\\n")) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 4 && w[1].matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
                String address = w[1].substring(0, w[1].indexOf('/'));
                if (address.equals(Cidr.format(intent.localOuter()))) {
                    if (w[2].toLowerCase(Locale.ROOT).contains("up") && w[3].toLowerCase(Locale.ROOT).contains("up")) {
                        return Optional.empty();
                    }
                    return Optional.of("local outer address " + address + " is on " + w[0] + ", which is down on the device "
                            + "(physical " + w[2] + ", protocol " + w[3] + ")");
                }
                up.add(address);
            }
        }
        return Optional.of("local outer address " + Cidr.format(intent.localOuter()) + " is not an address of any interface of the "
                + "device (it has " + (up.isEmpty() ? "none" : String.join(", ", up)) + "): the tunnel could not send");
    }

    /**
     * The tunnel interfaces, from the configuration of every interface: unlike the per-interface
     * and per-type forms, {@code display current-configuration interface} has an answer on a device
     * that has no tunnel (yet).
     */
    private Map<String, TunnelConfig> tunnels() throws ConfigException {
        if (tunnelCache == null) {
            Map<String, TunnelConfig> all = TunnelConfig.parseAll(show("display current-configuration interface"));
            all.keySet().removeIf(name -> !name.startsWith(VrpSyntax.TUNNEL_PREFIX));
            tunnelCache = all;
        }
        return tunnelCache;
    }

    private List<StaticRoute> routes() throws ConfigException {
        if (routeCache == null) {
            routeCache = StaticRoute.parseAll(show("display current-configuration | include route-static"));
        }
        return routeCache;
    }

    /** The device changes (or may have changed): read afresh from now on. */
    private void forget() {
        tunnelCache = null;
        routeCache = null;
    }

    private String show(String command) throws ConfigException {
        VrpCli.Reply r = cli.run(command);
        if (!r.ok()) {
            throw new ConfigException("huawei-vrp device " + where + " did not show its configuration ('" + command + "'): "
                    + r.error().get(), false);
        }
        return r.output();
    }

    // ------------------------------------------------------------------ changing

    @Override
    public void apply(List<String> commands) throws ConfigException {
        List<String> lines = expand(commands);
        if (lines.isEmpty()) {
            return;
        }
        forget();
        systemView();
        leaveSubView();
        for (String line : lines) {
            VrpCli.Reply r = cli.run(line);
            if (!r.ok()) {
                discard();
                throw new ConfigException("huawei-vrp device " + where + " refused '" + line + "': " + r.error().get()
                        + "; the candidate was cleared and nothing was committed", true);
            }
            if (line.startsWith("interface ")) {
                inSubView = true;
            } else if (line.equals("quit")) {
                inSubView = false;
            }
        }
        leaveSubView();
        commit();
    }

    /**
     * The lines to send: placeholders resolved, and before each {@code undo interface} the static
     * routes through that interface taken off (VRP keeps them after the interface is gone).
     */
    private List<String> expand(List<String> commands) throws ConfigException {
        List<String> out = new ArrayList<>();
        List<StaticRoute> routes = null;
        for (String command : commands) {
            String line;
            try {
                line = VrpSyntax.resolve(command, target.numbers());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage(), true);
            }
            if (line.startsWith("undo interface ")) {
                String iface = line.substring("undo interface ".length()).strip();
                if (routes == null) {
                    routes = routes();
                }
                for (StaticRoute r : routes) {
                    if (r.outInterface().equalsIgnoreCase(iface)) {
                        out.add("undo " + VrpRoutes.destination(r.prefix()) + " " + r.outInterface()
                                + r.nextHop().map(h -> " " + VrpSyntax.address(h)).orElse(""));
                    }
                }
            }
            out.add(line);
        }
        return joinBlocks(out);
    }

    /**
     * Consecutive blocks of one interface become one: {@code quit} followed by {@code interface X}
     * for the interface just left is dropped (one command less to wait for each).
     */
    static List<String> joinBlocks(List<String> lines) {
        List<String> out = new ArrayList<>();
        String current = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.equals("quit") && current != null && i + 1 < lines.size() && lines.get(i + 1).equals(current)) {
                i++;
                continue;
            }
            if (line.startsWith("interface ")) {
                current = line;
            } else if (line.equals("quit")) {
                current = null;
            }
            out.add(line);
        }
        return out;
    }

    private void commit() throws ConfigException {
        // The device's own diff, not the prompt, tells whether there is anything to commit: the
        // prompt shows * while any trial runs, and a plain commit would confirm that trial.
        String changes = cli.expect("display configuration candidate changes").strip();
        if (changes.isEmpty()) {
            LOG.info("huawei-vrp {}: the lines changed nothing in the candidate, nothing to commit", where);
            cli.expect("clear configuration candidate");
            return;
        }
        LOG.info("huawei-vrp {}: candidate changes to commit:\n{}", where, changes);
        boolean trial = armed.isPresent() && !trialRunning;
        String command = trial ? "commit trial " + trialSeconds(armed.get()) : "commit";
        VrpCli.Reply r = cli.run(command);
        if (!r.ok()) {
            discard();
            throw new ConfigException("huawei-vrp device " + where + " refused '" + command + "': " + r.error().get()
                    + "; the candidate was cleared", true);
        }
        String id = latestCommit();
        if (trial) {
            trialRunning = true;
            trialCommit = id;
            LOG.info("huawei-vrp {}: committed on trial as commit id {}; the device rolls it back by itself in {} s unless confirmed",
                    where, id, trialSeconds(armed.get()));
        } else {
            LOG.info("huawei-vrp {}: committed as commit id {}", where, id);
        }
    }

    /** Clears this session's candidate (best effort: the channel may be gone). */
    private void discard() {
        try {
            leaveSubView();
            if (cli.prompt().map(VrpPrompt::dirty).orElse(true)) {
                cli.expect("clear configuration candidate");
            }
        } catch (ConfigException | RuntimeException e) {
            LOG.warn("huawei-vrp {}: could not clear the candidate ({}); it is discarded when the session ends", where, e.getMessage());
        }
    }

    private void leaveSubView() throws ConfigException {
        if (inSubView) {
            cli.expect("quit");
            inSubView = false;
        }
    }

    private String latestCommit() throws ConfigException {
        List<String> ids = commitIds();
        return ids.isEmpty() ? "(none listed)" : ids.get(0);
    }

    private List<String> commitIds() throws ConfigException {
        return CommitList.ids(show("display configuration commit list"));
    }

    static long trialSeconds(Duration timeout) {
        Duration d = timeout.compareTo(MIN_TRIAL) < 0 ? MIN_TRIAL : timeout;
        return d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
    }

    // ------------------------------------------------------------------ commit trial

    /**
     * The next commit of this session is a trial of {@code timeout} (at least VRP's 60 s, at most its 65535 s). Enters
     * the system view, so a device that is not in two-stage mode is refused before anything changes.
     */
    void arm(Duration timeout) throws ConfigException {
        if (timeout.compareTo(MAX_TRIAL) > 0) {
            throw new ConfigException("huawei-vrp device " + where + ": a trial of " + timeout.toSeconds() + " s is longer than VRP's "
                    + "longest (" + MAX_TRIAL.toSeconds() + " s); shorten the confirmation timeout", true);
        }
        systemView();
        if (trialRunning) {
            throw new ConfigException("huawei-vrp device " + where + ": a trial commit of this session is still running", false);
        }
        armed = Optional.of(timeout);
    }

    /** Keeps the trial: {@code commit}; fails if the device already rolled the trial back. */
    void confirmTrial() throws ConfigException {
        armed = Optional.empty();
        if (!trialRunning) {
            return;
        }
        forget();
        leaveSubView();
        cli.expect("commit");
        trialRunning = false;
        if (!commitIds().contains(trialCommit)) {
            throw new ConfigException("huawei-vrp device " + where + " no longer lists trial commit " + trialCommit
                    + ": its timer rolled the change back before the confirmation", false);
        }
        LOG.info("huawei-vrp {}: trial commit {} confirmed", where, trialCommit);
    }

    /** Rolls the trial back now: {@code abort trial}, then checks the commit is gone. */
    void revertTrial() throws ConfigException {
        armed = Optional.empty();
        forget();
        if (!trialRunning) {
            if (inSystemView) {
                discard();
            }
            return;
        }
        leaveSubView();
        trialRunning = false;
        VrpCli.Reply r = cli.confirmed("abort trial");
        List<String> ids = commitIds();
        if (ids.contains(trialCommit)) {
            throw new ConfigException("huawei-vrp device " + where + " still lists trial commit " + trialCommit + " after 'abort trial'"
                    + r.error().map(e -> ": " + e).orElse(""), false);
        }
        LOG.warn("huawei-vrp {}: trial commit {} rolled back{}", where, trialCommit,
                r.ok() ? "" : " (the device's timer had already done it)");
    }

    // ------------------------------------------------------------------ probe and close

    /** {@code ping [ipv6] -a INNER -c 3 -t MS PEER}: true if any echo came back. */
    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        long ms = Math.max(1, Math.min(65535, timeout.toMillis() / 3));
        String out = show("ping " + (VrpSyntax.isIpv6(intent.peerInner()) ? "ipv6 " : "") + "-a "
                + Cidr.format(intent.innerAddress()) + " -c 3 -t " + ms + " " + Cidr.format(intent.peerInner()));
        Matcher m = LOSS.matcher(out.toLowerCase(Locale.ROOT));
        return m.find() && Double.parseDouble(m.group(1)) < 100.0;
    }

    /** Clears an unfinished candidate and ends the connection; a running trial is left to the device's timer. */
    @Override
    public void close() {
        if (inSubView || cli.prompt().map(VrpPrompt::dirty).orElse(false)) {
            discard();
        }
        cli.close();
        connection.close();
        LOG.debug("huawei-vrp {}: session closed", where);
    }
}
