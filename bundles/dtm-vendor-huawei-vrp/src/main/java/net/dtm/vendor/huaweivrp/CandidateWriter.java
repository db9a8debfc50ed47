package net.dtm.vendor.huaweivrp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.ConfigException;

/**
 * Changes a VRP device for a session, through its private candidate. {@link #apply} enters the
 * system view on the first change (a device whose system view lacks the two-stage marker
 * {@code [~name]} is refused: its lines would take effect one by one), puts every line into the
 * candidate, stopping at the first the device refuses (the candidate is then cleared and nothing
 * is committed), logs the device's own diff ({@code display configuration candidate changes}) and
 * commits: {@code commit trial N} when the core armed the device's timer ({@link VrpCommitConfirm}),
 * else {@code commit}. Success is never decided from the device's text: the core reads the state
 * back. The commit id of each commit comes from {@code display configuration commit list}, for the
 * log and to check that a trial is really gone after {@code abort trial} and still there when it
 * is confirmed. The prompt is not trusted for that either: VRP shows {@code [*name]} while a trial runs.
 */
final class CandidateWriter {

    private static final Logger LOG = LoggerFactory.getLogger(CandidateWriter.class);
    /** VRP's shortest trial period. */
    static final Duration MIN_TRIAL = Duration.ofSeconds(60);
    /** VRP's longest trial period. */
    static final Duration MAX_TRIAL = Duration.ofSeconds(65535);

    private final VrpCli cli;
    private final RunningConfigReader reader;
    private final String where;

    private Optional<Duration> armed = Optional.empty();
    private boolean trialRunning;
    private String trialCommit = "";
    private boolean inSubView;
    private boolean inSystemView;

    CandidateWriter(VrpCli cli, RunningConfigReader reader, String where) {
        this.cli = cli;
        this.reader = reader;
        this.where = where;
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
        VrpPrompt p = cli.current();
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

    /** See {@link net.dtm.spi.config.ConfigSession#apply}. */
    void apply(List<String> commands) throws ConfigException {
        List<String> lines = expand(commands);
        if (lines.isEmpty()) {
            return;
        }
        reader.forget();
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
     * The lines to send: the core's lines as rendered, and before each {@code undo interface} the
     * static routes through that interface taken off (VRP keeps them after the interface is gone);
     * those extra lines are logged, since the core's history shows only its own. Only routes of the
     * shape DTM writes (interface and next hop) are taken off: one without a next hop is an
     * operator's ({@link RunningConfigReader#read} does not count it either) and stays.
     */
    private List<String> expand(List<String> commands) throws ConfigException {
        List<String> out = new ArrayList<>();
        List<StaticRoute> routes = null;
        for (String line : commands) {
            if (line.startsWith("undo interface ")) {
                String iface = line.substring("undo interface ".length()).strip();
                if (routes == null) {
                    routes = reader.routes();
                }
                for (StaticRoute r : routes) {
                    if (r.outInterface().equalsIgnoreCase(iface) && r.nextHop().isPresent()) {
                        String undo = "undo " + VrpRoutes.destination(r.prefix()) + " " + r.outInterface()
                                + r.nextHop().map(h -> " " + VrpSyntax.address(h)).orElse("");
                        LOG.info("huawei-vrp {}: before '{}' also sending '{}' (VRP keeps a static route after its interface is gone)",
                                where, line, undo);
                        out.add(undo);
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
        List<String> ids = reader.commitIds();
        return ids.isEmpty() ? "(none listed)" : ids.get(0);
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
        reader.forget();
        leaveSubView();
        cli.expect("commit");
        trialRunning = false;
        if (!reader.commitIds().contains(trialCommit)) {
            throw new ConfigException("huawei-vrp device " + where + " no longer lists trial commit " + trialCommit
                    + ": its timer rolled the change back before the confirmation", false);
        }
        LOG.info("huawei-vrp {}: trial commit {} confirmed", where, trialCommit);
    }

    /** Rolls the trial back now: {@code abort trial}, then checks the commit is gone. */
    void revertTrial() throws ConfigException {
        armed = Optional.empty();
        reader.forget();
        if (!trialRunning) {
            if (inSystemView) {
                discard();
            }
            return;
        }
        leaveSubView();
        trialRunning = false;
        VrpCli.Reply r = cli.confirmed("abort trial");
        List<String> ids = reader.commitIds();
        if (ids.contains(trialCommit)) {
            throw new ConfigException("huawei-vrp device " + where + " still lists trial commit " + trialCommit + " after 'abort trial'"
                    + r.error().map(e -> ": " + e).orElse(""), false);
        }
        LOG.warn("huawei-vrp {}: trial commit {} rolled back{}", where, trialCommit,
                r.ok() ? "" : " (the device's timer had already done it)");
    }

    /** Clears an unfinished candidate before the session ends; a running trial is left to the device's timer. */
    void abandon() {
        if (inSubView || cli.prompt().map(VrpPrompt::dirty).orElse(false)) {
            discard();
        }
    }
}
