package net.dtm.vendor.openwrt;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.ssh.ExecResult;
import net.dtm.spi.config.ssh.SshConnection;
import net.dtm.vendor.openwrt.DeviceCommands.Part;

/**
 * One SSH connection to an OpenWrt device, exec channels only. A change is staged with one
 * {@code uci batch} into the delta directory of an rpcd session of its own (never {@code /tmp/.uci},
 * which {@code uci show} would mix into every read), shown with {@code uci changes} (logged, never
 * trusted) and applied with {@code ubus call uci apply}, with rpcd's rollback timer when
 * {@link RpcdCommitConfirm} armed it. Success is decided by reading back, not by any output.
 * Commands that belong together go in one exec ({@link DeviceCommands#script}): a router in a
 * vehicle may be a few hundred milliseconds away.
 */
final class OpenWrtSession implements ConfigSession {

    private static final Logger LOG = LoggerFactory.getLogger(OpenWrtSession.class);
    /** How long an unarmed change's rpcd session lives. */
    private static final long UNARMED_SESSION_SECONDS = 120;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SshConnection ssh;
    private final String device;
    private final Duration commandTimeout;
    private final Duration upTimeout;
    private final String nonce;

    private UciShow lastShow;
    private String armedSid;
    private long armedSeconds;
    private boolean appliedWithRollback;

    OpenWrtSession(SshConnection ssh, String device, Duration commandTimeout, Duration upTimeout) {
        this.ssh = ssh;
        this.device = device;
        this.commandTimeout = commandTimeout;
        this.upTimeout = upTimeout;
        byte[] n = new byte[8];
        RANDOM.nextBytes(n);
        this.nonce = HexFormat.of().formatHex(n);
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        if (!UciLine.isName(name)) {
            return Optional.empty();
        }
        // every device's addresses: the tunnel's device name depends on its proto, known only from the configuration
        List<Part> p = run(List.of(DeviceCommands.SHOW, DeviceCommands.ADDRESSES, RollbackGuard.restoredMarker()));
        UciShow uci = uci(p.get(0));
        reportBootRestore(p.get(2));
        Optional<UciShow.Section> section = uci.section(UciNames.tunnel(name));
        if (section.isEmpty()) {
            return Optional.empty();
        }
        if (!p.get(1).ok()) {
            throw new ConfigException("device " + device + ": ip -j addr failed: " + oneLine(p.get(1).output()), false);
        }
        Optional<TunnelState.KernelLink> kernel = Optional.empty();
        Optional<String> dev = TunnelState.device(section.get());
        if (dev.isPresent()) {
            try {
                kernel = TunnelState.kernelLink(p.get(1).output(), dev.get());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("device " + device + ": cannot read ip -j addr: " + e.getMessage(), false, e);
            }
            if (kernel.isEmpty()) {
                LOG.warn("device {}: {} is configured but the kernel has no device {} (see ifstatus {})", device, name, dev.get(), name);
            }
        }
        return TunnelState.decode(uci, name, role, kernel);
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        List<Part> p = run(List.of(DeviceCommands.SHOW, RollbackGuard.restoredMarker()));
        reportBootRestore(p.get(1));
        List<String> names = new ArrayList<>();
        for (UciShow.Section s : uci(p.get(0)).sections()) {
            if (TunnelState.isTunnel(s) && s.name().startsWith(prefix)) {
                names.add(s.name());
            }
        }
        return names;
    }

    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        List<Part> p = run(List.of(DeviceCommands.PROTO_HANDLERS, DeviceCommands.ADDRESSES, DeviceCommands.CHANGES_DEFAULT,
                RollbackGuard.restoredMarker(), RollbackGuard.pendingMarker(), DeviceCommands.confirm(DeviceCommands.NOBODY)));
        reportBootRestore(p.get(3));
        clearStaleGuard(p.get(4), p.get(5));
        List<String> problems = new ArrayList<>();
        if (p.get(0).ok()) {
            String proto = OpenWrtTunnels.proto(intent);
            if (!(parse(p.get(0).output(), "ubus network get_proto_handlers") instanceof Map<?, ?> m && m.containsKey(proto))) {
                problems.add("device " + device + " has no '" + proto + "' proto in netifd: install package "
                        + proto.replaceAll("v?6$", ""));
            }
        } else {
            problems.add("device " + device + " cannot list netifd's protos: " + oneLine(p.get(0).output()));
        }
        if (!p.get(1).ok()) {
            throw new ConfigException("device " + device + ": ip -j addr failed: " + oneLine(p.get(1).output()), false);
        }
        String local = Cidr.format(intent.localOuter());
        if (!localAddresses(parse(p.get(1).output(), "ip -j addr")).contains(local)) {
            problems.add("the local outer address " + local + " is not configured on device " + device);
        }
        if (p.get(2).ok() && !p.get(2).output().isBlank()) {
            problems.add("device " + device + " has uncommitted changes to network in /tmp/.uci (uci changes network: "
                    + oneLine(p.get(2).output()) + "); commit or revert them first, they would be read back with DTM's change");
        }
        return problems;
    }

    @Override
    public void apply(List<String> commands) throws ConfigException {
        for (String line : commands) {
            if (!UciLine.isSafe(line)) {
                throw new ConfigException("refusing to send a line that is not one of this adapter's UCI lines: " + line, true);
            }
        }
        UciShow current = lastShow != null ? lastShow : uci(run(List.of(DeviceCommands.SHOW)).get(0));
        lastShow = null;
        List<String> batch = plan(commands, current);
        if (batch.isEmpty()) {
            LOG.info("device {}: nothing to stage", device);
            return;
        }
        boolean armed = armedSid != null;
        String sid = armed ? armedSid : newSession(UNARMED_SESSION_SECONDS);
        List<String> stage = new ArrayList<>();
        if (!armed) {
            stage.add(DeviceCommands.sessionGrant(sid));
        }
        stage.add(DeviceCommands.batch(sid, batch));
        stage.add(DeviceCommands.changes(sid));
        List<Part> staged = run(stage);
        int i = 0;
        if (!armed && !staged.get(i++).ok()) {
            quietly(List.of(DeviceCommands.sessionDestroy(sid)));
            throw new ConfigException("device " + device + ": cannot grant the rpcd session write access to network: "
                    + oneLine(staged.get(0).output()), false);
        }
        Part batchPart = staged.get(i++);
        // uci batch goes on after a refused line and still ends with 0: any text it prints is an error.
        if (!batchPart.ok() || !batchPart.output().isBlank()) {
            dropStaged(sid, !armed);
            throw new ConfigException("device " + device + " refused the UCI batch: " + oneLine(batchPart.output()), true);
        }
        LOG.info("device {}: staged changes (uci changes network): {}", device, oneLine(staged.get(i).output()));
        List<String> applyCommands = new ArrayList<>();
        applyCommands.add(DeviceCommands.apply(sid, armed ? armedSeconds : 0));
        if (!armed) {
            applyCommands.add(DeviceCommands.changes(sid));
        }
        List<Part> applied = run(applyCommands);
        if (!applied.get(0).ok()) {
            dropStaged(sid, !armed);
            String why = applied.get(0).output().contains("Permission denied")
                    ? " (another change is waiting for confirmation on the device)" : "";
            throw new ConfigException("device " + device + " did not apply the change: " + oneLine(applied.get(0).output()) + why, true);
        }
        if (armed) {
            appliedWithRollback = true;
        } else {
            // rpcd ignores an apply without rollback while another change waits for confirmation.
            String before = staged.get(i).output();
            boolean kept = !before.isBlank() && applied.get(1).output().equals(before);
            dropStaged(sid, true);
            if (kept) {
                throw new ConfigException("device " + device + " kept the change staged instead of applying it:"
                        + " another change is waiting for confirmation on the device", true);
            }
        }
        awaitUp(batch);
    }

    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String dev = OpenWrtTunnels.device(intent.name(), OpenWrtTunnels.proto(intent));
        return ssh.exec(DeviceCommands.ping(dev, intent.peerInner(), seconds), timeout.plus(commandTimeout)).ok();
    }

    @Override
    public void close() {
        ssh.close();
    }

    // ------------------------------------------------------------------ commit-confirm

    void arm(Duration timeout) throws ConfigException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String sid = newSession(seconds + UNARMED_SESSION_SECONDS);
        // A confirmation from a new session cannot match: "No data" means no change waits, "Permission denied" one does.
        List<Part> p = run(List.of(DeviceCommands.sessionGrant(sid), DeviceCommands.confirm(sid), RollbackGuard.show(),
                RollbackGuard.enabled()));
        if (!p.get(0).ok()) {
            quietly(List.of(DeviceCommands.sessionDestroy(sid)));
            throw new ConfigException("device " + device + ": cannot grant the rpcd session write access to network: "
                    + oneLine(p.get(0).output()), false);
        }
        String probe = p.get(1).output();
        if (p.get(1).ok() || !probe.contains("No data")) {
            quietly(List.of(DeviceCommands.sessionDestroy(sid)));
            if (probe.contains("Permission denied")) {
                throw new ConfigException("device " + device + ": another configuration change is waiting for confirmation"
                        + " (rpcd rollback pending); DTM arms no second one", true);
            }
            throw new ConfigException("device " + device + ": cannot tell whether a change waits for confirmation: "
                    + oneLine(probe), false);
        }
        List<String> prepare = new ArrayList<>();
        boolean install = !p.get(2).ok() || !p.get(2).output().equals(RollbackGuard.SCRIPT_TEXT) || !p.get(3).ok();
        if (install) {
            prepare.add(RollbackGuard.write());
            prepare.add(RollbackGuard.enable());
        }
        prepare.add(RollbackGuard.save(sid));
        List<Part> done = run(prepare);
        for (int i = 0; i < done.size(); i++) {
            if (!done.get(i).ok()) {
                quietly(List.of(DeviceCommands.sessionDestroy(sid)));
                throw new ConfigException("device " + device + ": cannot prepare the restore at boot ("
                        + prepare.get(i).lines().findFirst().orElse("") + "): " + oneLine(done.get(i).output()), false);
            }
        }
        if (install) {
            LOG.info("device {}: installed {} (restores an unconfirmed change at boot)", device, RollbackGuard.SCRIPT);
        }
        armedSid = sid;
        armedSeconds = seconds;
        appliedWithRollback = false;
        // the rpcd session id is a bearer token for rpcd (uhttpd's /ubus) while it lives: never logged
        LOG.info("device {}: rollback armed for {} s (boot-time restore saved)", device, seconds);
    }

    void confirm() throws ConfigException {
        String sid = requireArmed();
        boolean applied = appliedWithRollback;
        armedSid = null;
        appliedWithRollback = false;
        List<String> commands = new ArrayList<>();
        commands.add(RollbackGuard.clear());
        if (applied) {
            commands.add(DeviceCommands.confirm(sid));
        }
        commands.add(DeviceCommands.sessionDestroy(sid));
        List<Part> p = run(commands);
        if (!p.get(0).ok()) {
            LOG.warn("device {}: the boot-time restore could not be disarmed: {}", device, oneLine(p.get(0).output()));
        }
        if (applied) {
            Part c = p.get(1);
            if (!c.ok() && c.output().contains("No data")) {
                throw new ConfigException("device " + device + " had already rolled the change back (its rollback timer ran out)", false);
            }
            if (!c.ok()) {
                throw new ConfigException("device " + device + " did not take the confirmation: " + oneLine(c.output()), false);
            }
            LOG.info("device {}: change confirmed", device);
        }
    }

    void revert() throws ConfigException {
        String sid = requireArmed();
        boolean applied = appliedWithRollback;
        armedSid = null;
        appliedWithRollback = false;
        List<String> commands = new ArrayList<>();
        if (applied) {
            commands.add(DeviceCommands.rollback(sid));
        }
        // rpcd puts the rolled-back changes back into the session's delta directory: drop them.
        commands.add(DeviceCommands.revert(sid));
        commands.add(RollbackGuard.clear());
        commands.add(DeviceCommands.sessionDestroy(sid));
        List<Part> p = run(commands);
        if (applied) {
            Part r = p.get(0);
            if (!r.ok() && !r.output().contains("No data")) {
                throw new ConfigException("device " + device + " did not roll back: " + oneLine(r.output()), false);
            }
            LOG.warn("device {}: change rolled back{}", device, r.ok() ? "" : " (the device's timer had already done it)");
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The batch for {@code commands} against {@code current}: a {@code delete} of something absent
     * is left out (removing is idempotent), and deleting a tunnel also deletes its route sections,
     * which {@link OpenWrtTunnels#delete(String)} cannot name without reading.
     */
    static List<String> plan(List<String> commands, UciShow current) {
        Set<String> present = new HashSet<>();
        for (UciShow.Section s : current.sections()) {
            present.add(s.name());
            s.options().keySet().forEach(o -> present.add(s.name() + "." + o));
        }
        List<String> out = new ArrayList<>();
        for (String line : commands) {
            String path = path(line);
            if (line.startsWith("set ")) {
                present.add(path.substring(0, path.indexOf('=')));
                out.add(line);
                continue;
            }
            if (!present.contains(path)) {
                continue;
            }
            out.add(line);
            present.removeIf(p -> p.equals(path) || p.startsWith(path + "."));
            if (!path.contains(".")) {
                for (UciShow.Section s : current.sections()) {
                    if (UciNames.isRouteOf(path, s.name()) && s.get("interface").orElse("").equals(UciNames.inner(path))
                            && present.contains(s.name())) {
                        out.add(UciLine.delete(s.name()));
                        present.removeIf(p -> p.equals(s.name()) || p.startsWith(s.name() + "."));
                    }
                }
            }
        }
        return out;
    }

    private static String path(String line) {
        return line.substring(line.indexOf(' ') + 1 + UciLine.PACKAGE.length() + 1);
    }

    private void awaitUp(List<String> batch) throws ConfigException {
        Set<String> inner = new java.util.TreeSet<>();
        for (String line : batch) {
            String section = path(line).split("[.=]", 2)[0];
            if (line.startsWith("set ") && section.endsWith("_inner")) {
                inner.add(section);
            }
        }
        if (inner.isEmpty()) {
            return;
        }
        List<String> commands = inner.stream().map(DeviceCommands::ifstatus).toList();
        long deadline = System.nanoTime() + upTimeout.toNanos();
        while (true) {
            List<Part> p = run(commands);
            List<String> down = new ArrayList<>();
            for (int i = 0; i < p.size(); i++) {
                if (!(p.get(i).ok() && parse(p.get(i).output(), "ifstatus") instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("up")))) {
                    down.add(commands.get(i).substring("ifstatus ".length()));
                }
            }
            if (down.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                // the read-back decides; this only tells the operator where to look
                LOG.warn("device {}: {} not up {} after the change (see ifstatus)", device, down, upTimeout);
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("interrupted while waiting for " + down + " to come up", false, e);
            }
        }
    }

    /**
     * Removes the boot-time restore of a change that is over: rpcd has nothing pending and the rpcd
     * session of the change has ended (a transaction between arm and apply still has its session).
     */
    private void clearStaleGuard(Part pending, Part probe) {
        String sid = pending.output().strip();
        if (!pending.ok() || !DeviceCommands.isSid(sid) || probe.ok() || !probe.output().contains("No data")) {
            return;
        }
        try {
            List<Part> p = run(List.of(DeviceCommands.sessionList(sid)));
            if (!p.get(0).ok() && p.get(0).output().contains("Not found")) {
                quietly(List.of(RollbackGuard.clear()));
                LOG.info("device {}: removed the boot-time restore of an earlier change that rpcd had already rolled back"
                        + " (its rpcd session ended without a confirmation)", device);
            }
        } catch (ConfigException e) {
            LOG.debug("device {}: cannot tell whether the boot-time restore is stale: {}", device, e.getMessage());
        }
    }

    private void reportBootRestore(Part marker) {
        if (marker.ok()) {
            LOG.warn("device {}: rebooted inside a rollback window; at boot it restored the network configuration saved"
                    + " before an unconfirmed DTM change", device);
            quietly(List.of(RollbackGuard.clearRestoredMarker()));
        }
    }

    private String newSession(long seconds) throws ConfigException {
        ExecResult created = ssh.exec(DeviceCommands.sessionCreate(seconds), commandTimeout);
        if (!created.ok()) {
            throw new ConfigException("device " + device + ": cannot create an rpcd session: " + oneLine(created.stderr()), false);
        }
        Object sid = parse(created.stdout(), "ubus session create") instanceof Map<?, ?> m ? m.get("ubus_rpc_session") : null;
        if (!(sid instanceof String s) || !DeviceCommands.isSid(s)) {
            throw new ConfigException("device " + device + ": rpcd returned no session id: " + oneLine(created.stdout()), false);
        }
        return s;
    }

    private void dropStaged(String sid, boolean endSession) {
        quietly(endSession ? List.of(DeviceCommands.revert(sid), DeviceCommands.sessionDestroy(sid))
                : List.of(DeviceCommands.revert(sid)));
    }

    private String requireArmed() throws ConfigException {
        if (armedSid == null) {
            throw new ConfigException("device " + device + ": no rollback is armed in this session", false);
        }
        return armedSid;
    }

    private UciShow uci(Part show) throws ConfigException {
        if (!show.ok()) {
            throw new ConfigException("device " + device + ": uci show network failed: " + oneLine(show.output()), false);
        }
        try {
            lastShow = UciShow.parse(UciLine.PACKAGE, show.output());
            return lastShow;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("device " + device + ": " + e.getMessage(), false, e);
        }
    }

    private List<Part> run(List<String> commands) throws ConfigException {
        ExecResult r = ssh.exec(DeviceCommands.script(nonce, commands), commandTimeout);
        try {
            return DeviceCommands.parts(nonce, r.stdout(), commands.size());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("device " + device + " did not run the commands as expected (" + e.getMessage() + "): "
                    + oneLine(r.stderr() + " " + r.stdout()), false, e);
        }
    }

    private void quietly(List<String> commands) {
        try {
            List<Part> p = run(commands);
            for (int i = 0; i < p.size(); i++) {
                if (!p.get(i).ok()) {
                    LOG.debug("device {}: '{}' failed: {}", device, commands.get(i), oneLine(p.get(i).output()));
                }
            }
        } catch (ConfigException | RuntimeException e) {
            LOG.debug("device {}: {} failed: {}", device, commands, e.getMessage());
        }
    }

    private Object parse(String json, String what) throws ConfigException {
        try {
            return Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("device " + device + ": cannot read the output of " + what + ": " + e.getMessage(), false, e);
        }
    }

    private static Set<String> localAddresses(Object ipAddr) {
        Set<String> out = new HashSet<>();
        if (ipAddr instanceof List<?> links) {
            for (Object l : links) {
                if (l instanceof Map<?, ?> link && link.get("addr_info") instanceof List<?> infos) {
                    for (Object o : infos) {
                        if (o instanceof Map<?, ?> info && info.get("local") instanceof String a) {
                            try {
                                out.add(Cidr.format(Cidr.parseLiteral(a)));
                            } catch (IllegalArgumentException ignored) {
                                // not an address: skip
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\n\\s*", " | ");
    }
}
