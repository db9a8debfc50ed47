package net.dtm.vendor.openwrt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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

/**
 * One SSH connection to an OpenWrt device, exec channels only. A change is staged with one
 * {@code uci batch} into the delta directory of an rpcd session of its own (never {@code /tmp/.uci},
 * which {@code uci show} would mix into every read), shown with {@code uci changes} (logged, never
 * trusted) and applied with {@code ubus call uci apply}, with rpcd's rollback timer when
 * {@link RpcdCommitConfirm} armed it. Success is decided by reading back, not by any output.
 */
final class OpenWrtSession implements ConfigSession {

    private static final Logger LOG = LoggerFactory.getLogger(OpenWrtSession.class);
    /** ubus exit statuses (UBUS_STATUS_*). */
    static final int UBUS_NO_DATA = 5;
    static final int UBUS_PERMISSION_DENIED = 6;
    /** How long an unarmed change's rpcd session lives. */
    private static final long UNARMED_SESSION_SECONDS = 120;

    private final SshConnection ssh;
    private final String device;
    private final Duration commandTimeout;
    private final Duration upTimeout;

    private String armedSid;
    private long armedSeconds;
    private boolean appliedWithRollback;
    private boolean guardChecked;

    OpenWrtSession(SshConnection ssh, String device, Duration commandTimeout, Duration upTimeout) {
        this.ssh = ssh;
        this.device = device;
        this.commandTimeout = commandTimeout;
        this.upTimeout = upTimeout;
    }

    /** Reports and clears what a boot-time restore left; called once when the session opens. */
    void reportBootRestore() throws ConfigException {
        ExecResult marker = ssh.exec(RollbackGuard.restoredMarker(), commandTimeout);
        if (marker.ok()) {
            LOG.warn("device {}: rebooted inside a rollback window; at boot it restored the network configuration saved"
                    + " before an unconfirmed DTM change (rpcd session {})", device, marker.stdout().trim());
            run(RollbackGuard.clearRestoredMarker(), "clear the boot-restore marker");
        }
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        if (!UciLine.isName(name)) {
            return Optional.empty();
        }
        UciShow uci = show();
        if (uci.section(UciNames.tunnel(name)).isEmpty()) {
            return Optional.empty();
        }
        ExecResult link = ssh.exec(DeviceCommands.addressesOf(name), commandTimeout);
        Optional<TunnelState.KernelLink> kernel = Optional.empty();
        if (link.ok()) {
            try {
                kernel = Optional.of(TunnelState.kernelLink(link.stdout()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("device " + device + ": cannot read ip -j addr for " + name + ": " + e.getMessage(), false, e);
            }
        } else {
            LOG.warn("device {}: {} is configured but the kernel has no such device ({})", device, name, oneLine(link.stderr()));
        }
        return TunnelState.decode(uci, name, role, kernel);
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        List<String> names = new ArrayList<>();
        for (UciShow.Section s : show().sections()) {
            if (TunnelState.isTunnel(s) && s.name().startsWith(prefix)) {
                names.add(s.name());
            }
        }
        return names;
    }

    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        List<String> problems = new ArrayList<>();
        ExecResult protos = ssh.exec(DeviceCommands.PROTO_HANDLERS, commandTimeout);
        if (protos.ok()) {
            String proto = OpenWrtTunnels.v6(intent.localOuter()) ? "vxlan6" : "vxlan";
            if (!(parse(protos.stdout(), "ubus network get_proto_handlers") instanceof Map<?, ?> m && m.containsKey(proto))) {
                problems.add("device " + device + " has no '" + proto + "' proto in netifd: install package vxlan");
            }
        } else {
            problems.add("device " + device + " cannot list netifd's protos: " + oneLine(protos.stderr()));
        }
        ExecResult addresses = ssh.exec(DeviceCommands.ADDRESSES, commandTimeout);
        if (!addresses.ok()) {
            throw new ConfigException("device " + device + ": ip -j addr failed: " + oneLine(addresses.stderr()), false);
        }
        String local = Cidr.format(intent.localOuter());
        if (!localAddresses(parse(addresses.stdout(), "ip -j addr")).contains(local)) {
            problems.add("the local outer address " + local + " is not configured on device " + device);
        }
        ExecResult staged = ssh.exec(DeviceCommands.CHANGES_DEFAULT, commandTimeout);
        if (staged.ok() && !staged.stdout().isBlank()) {
            problems.add("device " + device + " has uncommitted changes to network in /tmp/.uci (uci changes network: "
                    + oneLine(staged.stdout()) + "); commit or revert them first, they would be read back with DTM's change");
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
        List<String> batch = plan(commands, show());
        if (batch.isEmpty()) {
            LOG.info("device {}: nothing to stage", device);
            return;
        }
        boolean armed = armedSid != null;
        String sid = armed ? armedSid : newSession(UNARMED_SESSION_SECONDS);
        try {
            ExecResult staged = ssh.exec(DeviceCommands.batch(sid, batch), commandTimeout);
            // uci batch goes on after a refused line and still ends with 0: its error text is the signal.
            if (!staged.ok() || !staged.stderr().isBlank()) {
                dropStaged(sid);
                throw new ConfigException("device " + device + " refused the UCI batch: " + oneLine(staged.stderr() + " " + staged.stdout()), true);
            }
            ExecResult changes = ssh.exec(DeviceCommands.changes(sid), commandTimeout);
            LOG.info("device {}: staged changes (uci changes network): {}", device, oneLine(changes.stdout()));
            ExecResult applied = ssh.exec(DeviceCommands.apply(sid, armed ? armedSeconds : 0), commandTimeout);
            if (!applied.ok()) {
                dropStaged(sid);
                String why = applied.exitStatus() == UBUS_PERMISSION_DENIED
                        ? " (another change is waiting for confirmation on the device)" : "";
                throw new ConfigException("device " + device + " did not apply the change: " + oneLine(applied.stderr()) + why, true);
            }
            if (armed) {
                appliedWithRollback = true;
            } else {
                // rpcd ignores an apply without rollback while another change waits for confirmation.
                ExecResult left = ssh.exec(DeviceCommands.changes(sid), commandTimeout);
                if (left.ok() && !left.stdout().isBlank()) {
                    dropStaged(sid);
                    throw new ConfigException("device " + device + " kept the change staged instead of applying it:"
                            + " another change is waiting for confirmation on the device", true);
                }
            }
        } finally {
            if (!armed) {
                quietly(DeviceCommands.sessionDestroy(sid));
            }
        }
        awaitUp(batch);
    }

    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        return ssh.exec(DeviceCommands.ping(intent.name(), intent.peerInner(), seconds), timeout.plus(commandTimeout)).ok();
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
        ExecResult probe = ssh.exec(DeviceCommands.confirm(sid), commandTimeout);
        if (probe.exitStatus() == UBUS_PERMISSION_DENIED) {
            quietly(DeviceCommands.sessionDestroy(sid));
            throw new ConfigException("device " + device + ": another configuration change is waiting for confirmation"
                    + " (rpcd rollback pending); DTM arms no second one", true);
        }
        if (probe.exitStatus() != UBUS_NO_DATA) {
            quietly(DeviceCommands.sessionDestroy(sid));
            throw new ConfigException("device " + device + ": cannot tell whether a change waits for confirmation: "
                    + oneLine(probe.stderr()), false);
        }
        ensureGuardInstalled();
        run(RollbackGuard.save(sid), "save the network configuration for a restore at boot");
        armedSid = sid;
        armedSeconds = seconds;
        appliedWithRollback = false;
        LOG.info("device {}: rollback armed for {} s (rpcd session {}, boot-time restore saved)", device, seconds, sid);
    }

    void confirm() throws ConfigException {
        String sid = requireArmed();
        try {
            run(RollbackGuard.clear(), "disarm the boot-time restore");
            if (!appliedWithRollback) {
                return;
            }
            ExecResult r = ssh.exec(DeviceCommands.confirm(sid), commandTimeout);
            if (r.exitStatus() == UBUS_NO_DATA) {
                throw new ConfigException("device " + device + " had already rolled the change back (its rollback timer ran out)", false);
            }
            if (!r.ok()) {
                throw new ConfigException("device " + device + " did not take the confirmation: " + oneLine(r.stderr()), false);
            }
            LOG.info("device {}: change confirmed", device);
        } finally {
            disarm(sid);
        }
    }

    void revert() throws ConfigException {
        String sid = requireArmed();
        try {
            if (appliedWithRollback) {
                ExecResult r = ssh.exec(DeviceCommands.rollback(sid), commandTimeout);
                if (!r.ok() && r.exitStatus() != UBUS_NO_DATA) {
                    throw new ConfigException("device " + device + " did not roll back: " + oneLine(r.stderr()), false);
                }
                LOG.warn("device {}: change rolled back{}", device, r.ok() ? "" : " (the device's timer had already done it)");
            }
            // rpcd puts the rolled-back changes back into the session's delta directory: drop them.
            dropStaged(sid);
            run(RollbackGuard.clear(), "disarm the boot-time restore");
        } finally {
            disarm(sid);
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
            String path = line.substring(line.indexOf(' ') + 1 + UciLine.PACKAGE.length() + 1);
            if (line.startsWith("set ")) {
                int eq = path.indexOf('=');
                present.add(path.substring(0, eq));
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

    private void awaitUp(List<String> batch) throws ConfigException {
        Set<String> inner = new HashSet<>();
        for (String line : batch) {
            String path = line.substring(line.indexOf(' ') + 1 + UciLine.PACKAGE.length() + 1);
            String section = path.split("[.=]", 2)[0];
            if (line.startsWith("set ") && section.endsWith("_inner")) {
                inner.add(section);
            }
        }
        long deadline = System.nanoTime() + upTimeout.toNanos();
        for (String iface : inner) {
            while (true) {
                ExecResult r = ssh.exec(DeviceCommands.ifstatus(iface), commandTimeout);
                if (r.ok() && parse(r.stdout(), "ifstatus") instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("up"))) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("device {}: {} is not up {} after the change ({})", device, iface, upTimeout, oneLine(r.stdout() + r.stderr()));
                    break;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConfigException("interrupted while waiting for " + iface + " to come up", false, e);
                }
            }
        }
    }

    private void ensureGuardInstalled() throws ConfigException {
        if (guardChecked) {
            return;
        }
        ExecResult installed = ssh.exec(RollbackGuard.inspect(), commandTimeout);
        if (!installed.ok() || !installed.stdout().equals(RollbackGuard.SCRIPT_TEXT)) {
            run(RollbackGuard.install(), "install " + RollbackGuard.SCRIPT);
            LOG.info("device {}: installed {} (restores an unconfirmed change at boot)", device, RollbackGuard.SCRIPT);
        }
        guardChecked = true;
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
        run(DeviceCommands.sessionGrant(s), "grant the rpcd session write access to network");
        return s;
    }

    private void dropStaged(String sid) {
        quietly(DeviceCommands.revert(sid));
    }

    private void disarm(String sid) {
        armedSid = null;
        appliedWithRollback = false;
        quietly(DeviceCommands.sessionDestroy(sid));
    }

    private String requireArmed() throws ConfigException {
        if (armedSid == null) {
            throw new ConfigException("device " + device + ": no rollback is armed in this session", false);
        }
        return armedSid;
    }

    private UciShow show() throws ConfigException {
        ExecResult r = ssh.exec(DeviceCommands.SHOW, commandTimeout);
        if (!r.ok()) {
            throw new ConfigException("device " + device + ": uci show network failed: " + oneLine(r.stderr()), false);
        }
        try {
            return UciShow.parse(UciLine.PACKAGE, r.stdout());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("device " + device + ": " + e.getMessage(), false, e);
        }
    }

    private void run(String command, String what) throws ConfigException {
        ExecResult r = ssh.exec(command, commandTimeout);
        if (!r.ok()) {
            throw new ConfigException("device " + device + ": cannot " + what + ": " + oneLine(r.stderr() + " " + r.stdout()), false);
        }
    }

    private void quietly(String command) {
        try {
            ExecResult r = ssh.exec(command, commandTimeout);
            if (!r.ok()) {
                LOG.debug("device {}: '{}' ended with {}: {}", device, command, r.exitStatus(), oneLine(r.stderr()));
            }
        } catch (ConfigException | RuntimeException e) {
            LOG.debug("device {}: '{}' failed: {}", device, command, e.getMessage());
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
