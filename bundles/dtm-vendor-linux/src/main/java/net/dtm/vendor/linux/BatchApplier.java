package net.dtm.vendor.linux;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.ConfigException;

/**
 * Applies the lines of one change in order through the plan of {@link BatchPlanner}, stopping at the
 * first the target refuses. A refusal is a {@link ConfigException} with {@code rejected} true that
 * quotes the failing line and the tool's own error text; everything before it stays applied (the
 * core rolls back). After an interface is deleted, its wireguard-go process (if any) is made to end.
 */
final class BatchApplier {
    private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);
    private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");
    /** wireguard-go frames a notice about the kernel module in box-drawing characters; not an error. */
    private static final Pattern BANNER = Pattern.compile("^\\s*([\u2500-\u257F].*)?$");
    private static final Set<String> WIREGUARD_GO_ENVIRONMENT = Set.of("LOG_LEVEL", "WG_PROCESS_FOREGROUND");

    private final LinuxHost host;
    private final WireGuardSupport wireGuard;
    private final WireGuardGoProcesses processes;

    BatchApplier(LinuxHost host, WireGuardSupport wireGuard, WireGuardGoProcesses processes) {
        this.host = host;
        this.wireGuard = wireGuard;
        this.processes = processes;
    }

    /** Applies {@code lines} as one batch. */
    void apply(List<String> lines) throws ConfigException {
        boolean userSpace = BatchPlanner.createsWireGuard(lines) && wireGuard.mode() == WireGuardMode.USER_SPACE;
        List<BatchPlanner.Step> steps = BatchPlanner.plan(lines, userSpace);
        for (BatchPlanner.Step step : steps) {
            if (step instanceof BatchPlanner.IpBatch b) {
                runIp(b);
            } else if (step instanceof BatchPlanner.WgCommand w) {
                runWg(w);
            } else if (step instanceof BatchPlanner.StartWireGuardGo g) {
                startWireGuardGo(g);
            }
        }
        LOG.debug("linux adapter, {}: applied {} lines", host.where(), lines.size());
    }

    private void runIp(BatchPlanner.IpBatch batch) throws ConfigException {
        // Processes are found before the deletion: afterwards a fresh wireguard-go of the same name
        // (a re-creation later in the same apply) must not be mistaken for the old one.
        Map<Integer, String> deletions = new LinkedHashMap<>();
        Map<Integer, List<Long>> doomed = new LinkedHashMap<>();
        for (int i = 0; i < batch.commands().size(); i++) {
            int index = i;
            BatchPlanner.deletedLink(batch.commands().get(i)).ifPresent(name -> {
                deletions.put(index, name);
                doomed.put(index, processes.find(name));
            });
        }
        String stdin = String.join("\n", batch.commands()) + "\n";
        CommandRunner.Result r = host.run(Tool.IP, List.of("-batch", "-"), stdin);
        if (r.exitCode() == 0) {
            reap(deletions, doomed, batch.commands().size());
            return;
        }
        Matcher m = FAILED_LINE.matcher(r.stderr());
        String text = LinuxHost.firstLines(FAILED_LINE.matcher(r.stderr()).replaceAll(""));
        if (m.find()) {
            int failed = Integer.parseInt(m.group(1)) - 1;
            if (failed >= 0 && failed < batch.lines().size()) {
                reap(deletions, doomed, failed);
                throw new ConfigException("ip refused line " + batch.lineNumbers().get(failed) + " '" + batch.lines().get(failed)
                        + "' in " + host.where() + ": " + text, true);
            }
        }
        throw new ConfigException("ip refused the batch of lines " + batch.lineNumbers().get(0) + ".."
                + batch.lineNumbers().get(batch.lineNumbers().size() - 1) + " in " + host.where() + " (exit " + r.exitCode()
                + "): " + text, true);
    }

    /** Makes the wireguard-go processes of the interfaces deleted by the first {@code applied} commands end. */
    private void reap(Map<Integer, String> deletions, Map<Integer, List<Long>> doomed, int applied) {
        deletions.forEach((index, name) -> {
            if (index < applied && !doomed.get(index).isEmpty()) {
                processes.ensureEnded(name, doomed.get(index));
            }
        });
    }

    private void runWg(BatchPlanner.WgCommand command) throws ConfigException {
        List<String> args = new ArrayList<>(command.args());
        int peerAt = args.indexOf("peer");
        if (args.size() > 1 && args.get(0).equals("set") && peerAt > 0 && peerAt + 1 < args.size()) {
            String keep = args.get(peerAt + 1);
            CommandRunner.Result peers = host.run(Tool.WG, List.of("show", args.get(1), "peers"));
            if (peers.exitCode() == 0) {
                for (String other : peers.stdout().lines().map(String::strip).filter(p -> !p.isEmpty() && !p.equals(keep)).toList()) {
                    args.add("peer");
                    args.add(other);
                    args.add("remove");
                }
            }
        }
        CommandRunner.Result r = host.run(Tool.WG, args);
        if (r.exitCode() != 0) {
            throw new ConfigException("wg refused line " + command.lineNumber() + " '" + command.line() + "' in " + host.where()
                    + ": " + LinuxHost.firstLines(r.stderr()), true);
        }
    }

    private void startWireGuardGo(BatchPlanner.StartWireGuardGo start) throws ConfigException {
        CommandRunner.Result r = host.run(Tool.WIREGUARD_GO, List.of(start.name()), "", host.timeout(), WIREGUARD_GO_ENVIRONMENT);
        if (r.exitCode() != 0) {
            String text = String.join("\n", r.stderr().lines().filter(l -> !BANNER.matcher(l).matches()).toList());
            throw new ConfigException("wireguard-go refused line " + start.lineNumber() + " '" + start.line() + "' in "
                    + host.where() + ": " + LinuxHost.firstLines(text), true);
        }
        LOG.info("linux adapter, {}: started wireguard-go for {} (WireGuard in user space)", host.where(), start.name());
    }
}
