package net.dtm.vendor.mikrotik.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import net.dtm.config.ssh.testkit.EmulatedDevice;
import net.dtm.config.ssh.testkit.EmulatedShell;

/**
 * A RouterOS 7 router for adapter tests: one configuration ({@link RouterOsModel}) shared by every
 * terminal session ({@link RouterOsShell}), and safe mode as RouterOS has it: one session at a time
 * holds it (Ctrl-X takes and releases it; another session is asked whether to hijack it); every
 * change made while it is held, from any session, is logged and undone when the holder's session
 * ends other than by {@code /quit} or Ctrl-X (a dropped connection, Ctrl-D); more than
 * {@value #SAFE_MODE_HISTORY} changes release safe mode without undoing anything.
 * <p>
 * It starts with {@code ether1} (192.0.2.1/24, 2001:db8::1/64), a static default route and an
 * operator's own VXLAN interface {@code customer-vx} that DTM must never touch, running RouterOS
 * 7.16.1 ({@link #version(String)}, {@link #vxlanDefaultPort(int)} and {@link #dynamicAddress}
 * change that for a test).
 */
public final class RouterOsEmulator implements EmulatedDevice {

    /** RouterOS keeps this many actions in its history; more in safe mode release it. */
    static final int SAFE_MODE_HISTORY = 100;

    private RouterOsModel model = new RouterOsModel();
    private RouterOsShell safeHolder;
    private RouterOsModel safeBase;
    private final List<String> safeLog = new ArrayList<>();
    private final List<String> changes = new ArrayList<>();
    private java.util.function.Predicate<String> refuse = line -> false;
    private String refusal = "";

    public RouterOsEmulator() {
        try {
            model.add(RouterOsModel.ETHERNET, Map.of("name", "ether1"));
            model.add(RouterOsModel.IP_ADDRESS, Map.of("address", "192.0.2.1/24", "interface", "ether1"));
            model.add(RouterOsModel.IPV6_ADDRESS, Map.of("address", "2001:db8::1/64", "interface", "ether1"));
            model.add(RouterOsModel.IP_ROUTE, Map.of("dst-address", "0.0.0.0/0", "gateway", "192.0.2.254"));
            model.add(RouterOsModel.VXLAN, Map.of("name", "customer-vx", "vni", "900", "local-address", "192.0.2.1"));
            model.add(RouterOsModel.VTEPS, Map.of("interface", "customer-vx", "remote-ip", "192.0.2.77"));
        } catch (RouterOsModel.CliError e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized EmulatedShell openShell() {
        return new RouterOsShell(this);
    }

    @Override
    public synchronized void sessionEnded(EmulatedShell shell) {
        if (shell == safeHolder) {
            if (((RouterOsShell) shell).quitCleanly()) {
                releaseSafeMode();
            } else {
                unroll();
            }
        }
    }

    // ------------------------------------------------------------------ for tests

    /** The whole configuration as {@code /export terse} prints it, without the dated header. */
    public synchronized String config() {
        return model.export("/", true).lines().filter(l -> !l.contains("#")).reduce("", (a, b) -> a + b + "\n");
    }

    /** The RouterOS version this router runs (banner, export header, {@code /system resource print}). */
    public synchronized void version(String v) {
        model.version(v);
    }

    /** The VXLAN port this router's release uses when none is given (4789 now, 8472 on older ones). */
    public synchronized void vxlanDefaultPort(int port) {
        model.vxlanDefaultPort(port);
    }

    /**
     * An address the router added itself on {@code itf} (DHCP client, LTE, PPP): {@code print}
     * shows it with flag D, {@code export} leaves it out.
     */
    public synchronized void dynamicAddress(String address, String itf) {
        try {
            model.add(address.contains(":") ? RouterOsModel.IPV6_ADDRESS : RouterOsModel.IP_ADDRESS,
                    Map.of("address", address, "interface", itf)).dynamic = true;
        } catch (RouterOsModel.CliError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Changes the identity, as another administrator would. */
    public synchronized void identity(String name) {
        model.identity(name);
    }

    public synchronized String identity() {
        return model.identity();
    }

    /**
     * From now on commands matching {@code line} fail with {@code error} (RouterOS's text), as a
     * device does when a value is valid for DTM but not for this router (a feature or licence it lacks).
     */
    public synchronized void refuseWhen(java.util.function.Predicate<String> line, String error) {
        refuse = line;
        refusal = error;
    }

    synchronized java.util.Optional<String> refusalOf(String command) {
        return refuse.test(command.trim()) ? java.util.Optional.of(refusal) : java.util.Optional.empty();
    }

    /** True while some session holds safe mode. */
    public synchronized boolean safeModeHeld() {
        return safeHolder != null;
    }

    /** Every change applied, in order (each a short description), whoever made it. */
    public synchronized List<String> changes() {
        return List.copyOf(changes);
    }

    // ------------------------------------------------------------------ for shells

    synchronized RouterOsModel model() {
        return model;
    }

    synchronized boolean holds(RouterOsShell shell) {
        return safeHolder == shell;
    }

    /** Records a change; in safe mode it joins the floating-undo list. */
    synchronized String changed(String what) {
        changes.add(what);
        if (safeHolder != null) {
            safeLog.add(what);
            if (safeLog.size() > SAFE_MODE_HISTORY) {
                RouterOsShell holder = safeHolder;
                releaseSafeMode();
                holder.notice("[Safe mode released: too many changes in safe mode]");
            }
        }
        return "";
    }

    synchronized List<String> safeLog() {
        return List.copyOf(safeLog);
    }

    /** Ctrl-X in {@code shell}. */
    synchronized String ctrlX(RouterOsShell shell) {
        if (safeHolder == shell) {
            releaseSafeMode();
            return "[Safe Mode released]";
        }
        if (safeHolder == null) {
            take(shell);
            return "[Safe Mode taken]";
        }
        shell.asking(true);
        return "";
    }

    /** The answer to the hijack question. */
    synchronized String hijack(RouterOsShell shell, String answer) {
        shell.asking(false);
        if (safeHolder == null) {
            take(shell);
            return "[Safe Mode taken]";
        }
        RouterOsShell previous = safeHolder;
        switch (answer) {
            case "u" -> {
                model = safeBase;
                safeLog.clear();
                previous.notice("[Safe mode unrolled by another user]");
                take(shell);
                return "[Safe Mode taken]";
            }
            case "r" -> {
                previous.notice("[Safe mode released by another user]");
                safeHolder = shell;
                return "[Safe Mode taken]";
            }
            default -> {
                return "[Safe Mode not taken]";
            }
        }
    }

    /** Ctrl-D in {@code shell}: ends the session, undoing its safe-mode changes. */
    synchronized void ctrlD(RouterOsShell shell) {
        if (safeHolder == shell) {
            unroll();
        }
    }

    private void take(RouterOsShell shell) {
        safeHolder = shell;
        safeBase = model.copy();
        safeLog.clear();
    }

    private void unroll() {
        model = safeBase;
        releaseSafeMode();
    }

    private void releaseSafeMode() {
        safeHolder = null;
        safeBase = null;
        safeLog.clear();
    }
}
