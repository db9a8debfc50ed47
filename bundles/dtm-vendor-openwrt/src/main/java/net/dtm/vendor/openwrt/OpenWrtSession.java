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
 * trusted) and applied with {@code ubus call uci apply}, always with rpcd's rollback timer: when
 * {@link RpcdCommitConfirm} armed it, with its timeout, confirmed by the core after verifying;
 * otherwise (a restore) confirmed in the same exec right after. An apply without rollback would
 * purge the snapshot of a change someone else (LuCI, an operator) has pending before rpcd even looks
 * at it; with rollback rpcd refuses instead (Permission denied), and so does this session. Results
 * are decided on ubus's exit status, never on its text. netifd reloads after an apply
 * asynchronously, so an apply returns once netifd runs what UCI now says (MTU, inner address) or
 * the up timeout has passed. Success is decided by reading back, not by any output. Commands that
 * belong together go in one exec ({@link DeviceCommands#script}): a router in a vehicle may be a
 * few hundred milliseconds away.
 *
 * <p>The rpcd session id is a bearer token while the session lives, and it appears in command lines,
 * which the SSH layer quotes in its timeout and lost-connection messages. Those messages leave this
 * session with every session id replaced ({@link DeviceCommands#redact}, also in this class's own
 * messages and logs), and sessions are short-lived: an unarmed change's session lives
 * {@value #UNARMED_SESSION_SECONDS} s and is destroyed in the exec that applies; an armed one lives
 * the rollback window plus {@value #ARMED_SESSION_MARGIN} s and is destroyed at confirm or revert.
 */
final class OpenWrtSession implements ConfigSession {

    private static final Logger LOG = LoggerFactory.getLogger(OpenWrtSession.class);
    /** How long an unarmed change's rpcd session lives (it is destroyed in the exec that applies). */
    static final long UNARMED_SESSION_SECONDS = 60;
    /** rpcd's rollback timeout for an unarmed change, confirmed in the exec that applies it. */
    static final long UNARMED_ROLLBACK_SECONDS = 60;
    /** How much longer than its rollback window an armed change's session lives. */
    static final long ARMED_SESSION_MARGIN = 60;
    private static final long POLL_MILLIS = 100;
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
    private Set<String> appliedTunnels = Set.of();

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
        List<Part> p = run(List.of(DeviceCommands.SHOW, DeviceCommands.DEVICES, DeviceCommands.interfaceStatus(UciNames.inner(name)),
                RollbackGuard.restoredMarker(), RollbackGuard.pendingMarker(), DeviceCommands.confirm(DeviceCommands.NOBODY)));
        UciShow uci = uci(p.get(0));
        reportBootRestore(p.get(3));
        clearStaleGuard(p.get(4), p.get(5));
        Optional<UciShow.Section> section = uci.section(UciNames.tunnel(name));
        if (section.isEmpty()) {
            return Optional.empty();
        }
        if (!TunnelState.isOwned(section.get())) {
            LOG.debug("device {}: network.{} exists but is not DTM's (no option {})", device, name, UciNames.OWNER);
            return Optional.empty();
        }
        if (!p.get(1).ok()) {
            throw new ConfigException("device " + device + ": ubus call network.device status failed: " + oneLine(p.get(1).output()), false);
        }
        Optional<TunnelState.KernelLink> kernel = Optional.empty();
        Optional<String> dev = TunnelState.device(section.get());
        if (dev.isPresent()) {
            kernel = kernelLink(p.get(1), p.get(2), dev.get());
            if (kernel.isEmpty()) {
                LOG.warn("device {}: {} is configured but netifd has no device {} (see ifstatus {})", device, name, dev.get(), name);
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
            if (TunnelState.isTunnel(s) && TunnelState.isOwned(s) && s.name().startsWith(prefix)) {
                names.add(s.name());
            }
        }
        return names;
    }

    /** Reads only: the boot-restore and stale-guard housekeeping is done by {@link #read}. */
    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        List<Part> p = run(List.of(DeviceCommands.PROTO_HANDLERS, DeviceCommands.INTERFACES, DeviceCommands.CHANGES_DEFAULT,
                DeviceCommands.SHOW));
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
            throw new ConfigException("device " + device + ": ubus call network.interface dump failed: " + oneLine(p.get(1).output()), false);
        }
        String local = Cidr.format(intent.localOuter());
        if (!localAddresses(parse(p.get(1).output(), "ubus call network.interface dump")).contains(local)) {
            problems.add("the local outer address " + local + " is not configured on any interface of device " + device);
        }
        if (p.get(2).ok() && !p.get(2).output().isBlank()) {
            problems.add("device " + device + " has uncommitted changes to network in /tmp/.uci (uci changes network: "
                    + oneLine(p.get(2).output()) + "); commit or revert them first, they would be read back with DTM's change");
        }
        for (UciShow.Section s : uci(p.get(3)).sections()) {
            boolean ours = s.name().equals(UciNames.tunnel(intent.name())) || s.name().equals(UciNames.inner(intent.name()))
                    || UciNames.isRouteOf(intent.name(), s.name());
            if (ours && !TunnelState.isOwned(s)) {
                problems.add("device " + device + " already has a section network." + s.name() + " that DTM did not create"
                        + " (no option " + UciNames.OWNER + "): DTM does not take over an operator's configuration;"
                        + " rename the tunnel or remove that section");
            }
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
        applyCommands.add(DeviceCommands.apply(sid, armed ? armedSeconds : UNARMED_ROLLBACK_SECONDS));
        if (!armed) {
            // rpcd serves one call at a time: this confirmation follows the apply, whatever ubus's own timeout said
            applyCommands.add(DeviceCommands.confirm(sid));
            applyCommands.add(DeviceCommands.sessionDestroy(sid));
        }
        List<Part> applied = run(applyCommands);
        Part a = applied.get(0);
        if (!a.ok()) {
            if (armed) {
                // a timeout leaves the outcome unknown: a revert must ask rpcd to roll back
                appliedWithRollback = a.status() == DeviceCommands.UBUS_TIMEOUT;
                quietly(List.of(DeviceCommands.revert(sid)));
            }
            throw applyFailure(a);
        }
        if (armed) {
            appliedWithRollback = true;
        } else if (!applied.get(1).ok()) {
            throw new ConfigException("device " + device + " applied the change but did not take its confirmation ("
                    + oneLine(applied.get(1).output()) + "): rpcd undoes it within " + UNARMED_ROLLBACK_SECONDS + " s", false);
        }
        appliedTunnels = tunnels(batch);
        awaitSettled(appliedTunnels);
    }

    private ConfigException applyFailure(Part a) {
        String text = oneLine(a.output());
        return switch (a.status()) {
            case DeviceCommands.UBUS_PERMISSION_DENIED -> new ConfigException("device " + device + " did not apply the change:"
                    + " another configuration change (from LuCI, an operator or another tool) is waiting for confirmation in rpcd,"
                    + " and applying over it would destroy its rollback; confirm or roll back that change, or wait for its timer,"
                    + " then try again (" + text + ")", false);
            case DeviceCommands.UBUS_TIMEOUT -> new ConfigException("device " + device + ": ubus timed out applying the change,"
                    + " its outcome is unknown (" + text + ")", false);
            case DeviceCommands.UBUS_INVALID_ARGUMENT, DeviceCommands.UBUS_METHOD_NOT_FOUND, DeviceCommands.UBUS_NO_DATA ->
                    new ConfigException("device " + device + " did not apply the change: " + text, true);
            default -> new ConfigException("device " + device + " did not apply the change (status " + a.status() + "): " + text, false);
        };
    }

    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String dev = OpenWrtTunnels.device(intent.name(), OpenWrtTunnels.proto(intent));
        return exec(DeviceCommands.ping(dev, intent.peerInner(), seconds), timeout.plus(commandTimeout)).ok();
    }

    @Override
    public void close() {
        ssh.close();
    }

    // ------------------------------------------------------------------ commit-confirm

    void arm(Duration timeout) throws ConfigException {
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        String sid = newSession(seconds + ARMED_SESSION_MARGIN);
        // A confirmation from a new session cannot match: NO_DATA means no change waits, PERMISSION_DENIED one does.
        List<Part> p = run(List.of(DeviceCommands.sessionGrant(sid), DeviceCommands.confirm(sid), RollbackGuard.show(),
                RollbackGuard.enabled()));
        if (!p.get(0).ok()) {
            quietly(List.of(DeviceCommands.sessionDestroy(sid)));
            throw new ConfigException("device " + device + ": cannot grant the rpcd session write access to network: "
                    + oneLine(p.get(0).output()), false);
        }
        String probe = p.get(1).output();
        if (p.get(1).status() != DeviceCommands.UBUS_NO_DATA) {
            quietly(List.of(DeviceCommands.sessionDestroy(sid)));
            if (p.get(1).status() == DeviceCommands.UBUS_PERMISSION_DENIED) {
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
                        + oneLine(prepare.get(i).lines().findFirst().orElse("")) + "): " + oneLine(done.get(i).output()), false);
            }
        }
        if (install) {
            LOG.info("device {}: installed {} (restores an unconfirmed change at boot)", device, RollbackGuard.SCRIPT);
        }
        armedSid = sid;
        armedSeconds = seconds;
        appliedWithRollback = false;
        appliedTunnels = Set.of();
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
            if (c.status() == DeviceCommands.UBUS_NO_DATA) {
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
            if (!r.ok() && r.status() != DeviceCommands.UBUS_NO_DATA) {
                throw new ConfigException("device " + device + " did not roll back: " + oneLine(r.output()), false);
            }
            LOG.warn("device {}: change rolled back{}", device, r.ok() ? "" : " (the device's timer had already done it)");
            // netifd reloads the restored configuration asynchronously: what is read next must be it
            awaitSettled(appliedTunnels);
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

    /** The tunnels whose netifd state {@code batch} changes (route sections are read from UCI alone). */
    static Set<String> tunnels(List<String> batch) {
        Set<String> out = new java.util.TreeSet<>();
        for (String line : batch) {
            String section = path(line).split("[.=]", 2)[0];
            if (section.contains("_r_") || section.contains("_r6_")) {
                continue;
            }
            out.add(section.endsWith("_inner") ? section.substring(0, section.length() - "_inner".length()) : section);
        }
        return out;
    }

    /**
     * Waits until netifd runs what UCI now says for each of {@code tunnels} that DTM has: the device
     * exists with the configured MTU and the inner address is on it. {@code uci apply} only fires
     * {@code config.change}; procd reloads netifd after it returns, so reading at once would see the
     * old MTU or address. Gives up after the up timeout (the read-back then decides).
     */
    private void awaitSettled(Set<String> tunnels) throws ConfigException {
        if (tunnels.isEmpty()) {
            return;
        }
        List<String> names = List.copyOf(tunnels);
        List<String> commands = new ArrayList<>(List.of(DeviceCommands.SHOW, DeviceCommands.DEVICES));
        names.forEach(n -> commands.add(DeviceCommands.interfaceStatus(UciNames.inner(n))));
        long deadline = System.nanoTime() + upTimeout.toNanos();
        while (true) {
            List<Part> p = run(commands);
            List<String> pending = new ArrayList<>();
            if (!p.get(0).ok() || !p.get(1).ok()) {
                pending.addAll(names);
            } else {
                UciShow uci = uci(p.get(0));
                for (int i = 0; i < names.size(); i++) {
                    if (!settled(uci, names.get(i), p.get(1), p.get(2 + i))) {
                        pending.add(names.get(i));
                    }
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                // the read-back decides; this only tells the operator where to look
                LOG.warn("device {}: netifd does not run the configuration of {} {} after the change (see ifstatus)",
                        device, pending, upTimeout);
                return;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("interrupted while waiting for netifd to reload " + pending, false, e);
            }
        }
    }

    private boolean settled(UciShow uci, String name, Part devices, Part innerStatus) throws ConfigException {
        Optional<UciShow.Section> section = uci.section(UciNames.tunnel(name));
        if (section.isEmpty() || !TunnelState.isOwned(section.get()) || TunnelState.device(section.get()).isEmpty()) {
            return true; // deleted (read from UCI alone) or not DTM's
        }
        Optional<TunnelState.KernelLink> kernel = kernelLink(devices, innerStatus, TunnelState.device(section.get()).get());
        if (kernel.isEmpty()) {
            return false;
        }
        Optional<String> mtu = section.get().get("mtu");
        if (mtu.isPresent() && !mtu.get().equals(Integer.toString(kernel.get().mtu()))) {
            return false;
        }
        Optional<TunnelState.HostAddress> inner;
        try {
            inner = TunnelState.configuredInner(uci, name);
        } catch (IllegalArgumentException e) {
            return true; // not an address netifd can run: the read-back reports it
        }
        return inner.isEmpty() || kernel.get().addresses().contains(inner.get());
    }

    private Optional<TunnelState.KernelLink> kernelLink(Part devices, Part innerStatus, String dev) throws ConfigException {
        try {
            return TunnelState.kernelLink(devices.output(), innerStatus.ok() ? innerStatus.output() : null, dev);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("device " + device + ": cannot read netifd's state: " + e.getMessage(), false, e);
        }
    }

    /**
     * Removes the boot-time restore of a change that is over: rpcd has nothing pending and the rpcd
     * session of the change has ended (a transaction between arm and apply still has its session).
     * Done by {@link #read}, never by {@link #check}, which must not change the device.
     */
    private void clearStaleGuard(Part pending, Part probe) {
        String sid = pending.output().strip();
        if (!pending.ok() || !DeviceCommands.isSid(sid) || probe.status() != DeviceCommands.UBUS_NO_DATA) {
            return;
        }
        try {
            List<Part> p = run(List.of(DeviceCommands.sessionList(sid)));
            if (p.get(0).status() == DeviceCommands.UBUS_NOT_FOUND) {
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
        ExecResult created = exec(DeviceCommands.sessionCreate(seconds), commandTimeout);
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
        ExecResult r = exec(DeviceCommands.script(nonce, commands), commandTimeout);
        try {
            return DeviceCommands.parts(nonce, r.stdout(), commands.size());
        } catch (IllegalArgumentException e) {
            throw new ConfigException("device " + device + " did not run the commands as expected (" + e.getMessage() + "): "
                    + oneLine(r.stderr() + " " + r.stdout()), false, e);
        }
    }

    /**
     * Runs {@code command}; a failure of the channel is reported without the rpcd session ids the SSH
     * layer's message would quote from the command line (and without its cause, which quotes them too).
     */
    private ExecResult exec(String command, Duration timeout) throws ConfigException {
        try {
            return ssh.exec(command, timeout);
        } catch (ConfigException e) {
            throw new ConfigException(DeviceCommands.redact(String.valueOf(e.getMessage())), e.rejected());
        }
    }

    private void quietly(List<String> commands) {
        try {
            List<Part> p = run(commands);
            for (int i = 0; i < p.size(); i++) {
                if (!p.get(i).ok()) {
                    LOG.debug("device {}: '{}' failed: {}", device, oneLine(commands.get(i)), oneLine(p.get(i).output()));
                }
            }
        } catch (ConfigException | RuntimeException e) {
            LOG.debug("device {}: {} failed: {}", device, oneLine(String.join(" ; ", commands)), oneLine(String.valueOf(e.getMessage())));
        }
    }

    private Object parse(String json, String what) throws ConfigException {
        try {
            return Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("device " + device + ": cannot read the output of " + what + ": " + e.getMessage(), false, e);
        }
    }

    /** Every address netifd has on any interface, from {@code ubus call network.interface dump}. */
    private static Set<String> localAddresses(Object dump) {
        Set<String> out = new HashSet<>();
        if (dump instanceof Map<?, ?> m && m.get("interface") instanceof List<?> interfaces) {
            for (Object o : interfaces) {
                if (o instanceof Map<?, ?> iface) {
                    try {
                        TunnelState.addresses(iface).forEach(a -> out.add(Cidr.format(a.address())));
                    } catch (IllegalArgumentException ignored) {
                        // not an address: skip
                    }
                }
            }
        }
        return out;
    }

    /** {@code s} on one line, for a message or a log, with rpcd session ids hidden. */
    static String oneLine(String s) {
        return DeviceCommands.redact(s.strip().replaceAll("\\s*\n\\s*", " | "));
    }
}
