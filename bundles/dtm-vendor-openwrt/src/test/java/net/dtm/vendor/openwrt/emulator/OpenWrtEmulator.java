package net.dtm.vendor.openwrt.emulator;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dtm.config.ssh.testkit.EmulatedDevice;
import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.config.ssh.testkit.ExecOutcome;
import net.dtm.config.ssh.testkit.ManualClock;
import net.dtm.vendor.openwrt.emulator.ShellWords.Op;
import net.dtm.vendor.openwrt.emulator.UciConfig.Delta;
import net.dtm.vendor.openwrt.emulator.UciConfig.Section;

/**
 * An OpenWrt router (23.05-like) on exec channels, as dropbear offers them: ash running a subset of
 * commands, with
 * <ul>
 * <li>the UCI package {@code network}: the committed file {@code /etc/config/network}, staged
 * changes per delta directory ({@code /tmp/.uci} by default, {@code uci -P <dir>}), which outlive
 * SSH sessions; {@code uci batch} (stdin: a heredoc), {@code show}, {@code export}, {@code changes},
 * {@code revert}, {@code commit}, {@code get}, with uci's error texts; like the real uci, a batch goes on
 * after a refused line and ends with status 0;</li>
 * <li>rpcd over ubus: {@code session create/grant/destroy} (sessions expire on the clock, their
 * delta directory {@code /var/run/rpcd/uci-<sid>} with them), {@code uci apply} (needs
 * {@code ubus_rpc_session} and write access; commits the session's changes and has netifd reload;
 * with {@code rollback} arms a timer on the {@link ManualClock} that puts the previous configuration
 * back; refused (Permission denied) while another rollback is pending; without rollback it first
 * purges the pending change's snapshot, as rpc_uci_apply does before it looks at apply_sid, and then
 * does nothing, so that change's timer or rollback has nothing to restore), {@code uci confirm},
 * {@code uci rollback}, {@code network get_proto_handlers}, with ubus's exit statuses and libubus's
 * {@code Command failed: ...} texts ({@code No response} for NO_DATA); {@link #failNextUbus} makes a
 * call end with another status after doing its work (a ubus timeout);</li>
 * <li>netifd's running state, rebuilt from the configuration at every reload: the vxlan/vxlan6
 * protos create a device named after the section, gre/grev6/ipip one prefixed (ikey/okey int32),
 * static interfaces put addresses on their device; the reload an apply or a {@code uci rollback}
 * triggers happens only {@link #setReloadLag} execs later, as procd reloads netifd asynchronously
 * (the rollback timer's, at once); {@code ifstatus},
 * {@code ubus call network.interface.<x> status}, {@code network.interface dump},
 * {@code network.device status}; {@code ip} is BusyBox's (no {@code -j});</li>
 * <li>files under /etc, /tmp and /var: {@code cat} (also {@code cat > f} with a heredoc),
 * {@code cp}, {@code mv}, {@code rm}, {@code mkdir}, {@code chmod}, {@code echo}, {@code [ -f ]},
 * {@code sync}, {@code logger}, {@code /etc/init.d/<script> enable|enabled|disable} and
 * {@code /etc/init.d/network reload}; a script line may print {@code "$?"}, the last status;</li>
 * <li>{@link #reboot()}: rpcd's timer, sessions and everything under /tmp and /var are lost, the
 * {@code boot()} functions of enabled init scripts run (through this same shell), netifd loads the
 * committed configuration; {@link #powerCut()}: the same, after losing what was written under /etc
 * since the last {@code sync} (uci's commit fsyncs its file).</li>
 * </ul>
 * Anything else is {@code ash: X: not found} (127); an unquoted shell metacharacter is refused and
 * recorded in {@link #injections()}.
 */
public final class OpenWrtEmulator implements EmulatedDevice {

    private static final String PKG = "network";
    private static final String DEFAULT_SAVEDIR = "/tmp/.uci";
    private static final String RPCD_SAVEDIR = "/var/run/rpcd/uci-";
    private static final Pattern JSON_STRING = Pattern.compile("\"([A-Za-z_]+)\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern JSON_NUMBER = Pattern.compile("\"([A-Za-z_]+)\"\\s*:\\s*(-?\\d+)");
    private static final Pattern JSON_BOOL = Pattern.compile("\"([A-Za-z_]+)\"\\s*:\\s*(true|false)");

    private final ManualClock clock;
    private UciConfig committed;
    private UciConfig running;
    private final Map<String, List<Delta>> savedirs = new HashMap<>();
    private final TreeMap<String, String> files = new TreeMap<>();
    private final Map<String, String> modes = new HashMap<>();
    private final Map<String, RpcSession> sessions = new HashMap<>();
    private final List<String> commands = new ArrayList<>();
    private final List<String> injections = new ArrayList<>();
    private final List<String> syslog = new ArrayList<>();
    private String applySid;
    private UciConfig snapshot;
    private List<Delta> snapshotDelta = List.of();
    private ManualClock.Timer rollbackTimer;
    private boolean vxlanInstalled = true;
    private boolean vxlanKernelModule = true;
    private boolean runningVxlanModule = true;
    private long sidCounter = 0x5eed;
    private static final String CONFIG_FILE = "/etc/config/network";
    /** Flash content of /etc paths written or removed since the last sync (empty: the file did not exist). */
    private final Map<String, Optional<String>> unsynced = new HashMap<>();
    private int reloadLag = 3;
    private int reloadIn = -1;
    private String failNext;
    private int failStatus;

    private static final class RpcSession {
        Instant expires;
        boolean networkWrite;

        RpcSession(Instant expires) {
            this.expires = expires;
        }
    }

    /** A router with a WAN on eth0 (192.0.2.10/24, 2001:db8:10::10/64) and nothing of DTM. */
    public OpenWrtEmulator(ManualClock clock) {
        this.clock = clock;
        this.committed = UciConfig.parseFile("""
                config interface 'loopback'
                	option device 'lo'
                	option proto 'static'
                	option ipaddr '127.0.0.1'
                	option netmask '255.0.0.0'

                config globals 'globals'
                	option ula_prefix 'fd12:3456:789a::/48'

                config interface 'wan'
                	option device 'eth0'
                	option proto 'static'
                	option ipaddr '192.0.2.10'
                	option netmask '255.255.255.0'
                	option gateway '192.0.2.1'

                config interface 'wan6'
                	option device 'eth0'
                	option proto 'static'
                	option ip6addr '2001:db8:10::10/64'
                """);
        this.reload();
        files.put("/etc/init.d/network", "#!/bin/sh /etc/rc.common\nSTART=20\n");
        modes.put("/etc/init.d/network", "755");
    }

    // ------------------------------------------------------------------ test hooks

    /** The machine restarts: see the class comment. */
    public synchronized void reboot() {
        if (rollbackTimer != null) {
            rollbackTimer.cancel();
            rollbackTimer = null;
        }
        applySid = null;
        snapshot = null;
        reloadIn = -1;
        sessions.clear();
        savedirs.clear();
        files.keySet().removeIf(p -> p.startsWith("/tmp/") || p.startsWith("/var/"));
        for (String link : new ArrayList<>(files.subMap("/etc/rc.d/", "/etc/rc.d/\uffff").keySet())) {
            String script = files.get(files.get(link));
            if (script != null) {
                runBoot(script);
            }
        }
        reload();
    }

    /**
     * The power goes: whatever was written under /etc since the last {@code sync} (or uci's own
     * fsync at commit) is lost, then the machine boots as in {@link #reboot()}.
     */
    public synchronized void powerCut() {
        unsynced.forEach((path, before) -> {
            if (path.equals(CONFIG_FILE)) {
                before.ifPresent(text -> committed = UciConfig.parseFile(text));
            } else if (before.isPresent()) {
                files.put(path, before.get());
            } else {
                files.remove(path);
            }
        });
        unsynced.clear();
        reboot();
    }

    /**
     * After how many further execs netifd runs a configuration rpcd applied or rolled back (procd
     * reloads it asynchronously after {@code config.change}); 0 = at once. Default 3.
     */
    public synchronized void setReloadLag(int execs) {
        reloadLag = execs;
    }

    /**
     * The next {@code ubus call <object> <method>} ({@code objectMethod} as "uci apply") does its work
     * but the CLI ends with {@code status} (7: ubus's own timeout ran out while rpcd went on).
     */
    public synchronized void failNextUbus(String objectMethod, int status) {
        failNext = objectMethod;
        failStatus = status;
    }

    /** rpcd sessions alive now. */
    public synchronized int rpcdSessions() {
        expireSessions();
        return sessions.size();
    }

    /** Whether package vxlan (netifd's vxlan protos) is installed. */
    public synchronized void setVxlanInstalled(boolean installed) {
        vxlanInstalled = installed;
    }

    /**
     * Whether kmod-vxlan is loaded, from netifd's next reload on: without it netifd still offers the
     * vxlan proto (package vxlan is installed) but cannot create the device, so the interface stays down.
     */
    public synchronized void setVxlanKernelModule(boolean loaded) {
        vxlanKernelModule = loaded;
    }

    private void scheduleReload() {
        if (reloadLag <= 0) {
            reload();
        } else {
            reloadIn = reloadLag;
        }
    }

    private void touched(String path) {
        if (path.startsWith("/etc/") && !unsynced.containsKey(path)) {
            unsynced.put(path, Optional.ofNullable(read(path)));
        }
    }

    /** netifd reloads: the committed configuration runs, devices are created anew. */
    private void reload() {
        reloadIn = -1;
        running = committed.copy();
        runningVxlanModule = vxlanKernelModule;
    }

    /** Number of changes staged in any delta directory (/tmp/.uci and every rpcd session's). */
    public synchronized int stagedAnywhere() {
        expireSessions();
        return savedirs.values().stream().mapToInt(List::size).sum();
    }

    /** Every exec command received, in order. */
    public synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    /** Command lines refused for an unquoted shell metacharacter. */
    public synchronized List<String> injections() {
        return List.copyOf(injections);
    }

    /** What was logged with {@code logger}. */
    public synchronized List<String> syslog() {
        return List.copyOf(syslog);
    }

    /** {@code /etc/config/network} now. */
    public synchronized String committedNetwork() {
        return committed.file();
    }

    /** The configuration netifd runs now, as {@code uci show}. */
    public synchronized String runningNetwork() {
        return running.show(PKG);
    }

    /** True while a change applied with rollback waits for confirmation. */
    public synchronized boolean rollbackPending() {
        return applySid != null;
    }

    /** The content of a file, or empty. */
    public synchronized Optional<String> file(String path) {
        return Optional.ofNullable(read(path));
    }

    /** Changes staged in the default delta directory, as {@code uci changes network} prints them. */
    public synchronized String stagedByDefault() {
        return changesText(savedirs.getOrDefault(DEFAULT_SAVEDIR, List.of()));
    }

    // ------------------------------------------------------------------ EmulatedDevice

    @Override
    public EmulatedShell openShell() {
        return new EmulatedShell() {
            private boolean ended;

            @Override
            public String banner() {
                return "BusyBox v1.36.1 (2024-02-10) built-in shell (ash)\n\n OpenWrt 23.05.3, r23809-234f1a2efa\n";
            }

            @Override
            public String prompt() {
                return "root@OpenWrt:~# ";
            }

            @Override
            public String line(String line) {
                if (line.strip().equals("exit")) {
                    ended = true;
                    return "";
                }
                ExecOutcome o = exec(line).orElseThrow();
                return (o.stdout() + o.stderr()).stripTrailing();
            }

            @Override
            public boolean ended() {
                return ended;
            }
        };
    }

    @Override
    public synchronized Optional<ExecOutcome> exec(String command) {
        commands.add(command);
        expireSessions();
        if (reloadIn > 0 && --reloadIn == 0) {
            reload();
        }
        Out out = new Out();
        int status;
        try {
            status = script(command, out, false);
        } catch (ShellWords.Injection e) {
            injections.add(command);
            out.err.append("ash: syntax error: ").append(e.getMessage()).append('\n');
            status = 2;
        } catch (IllegalArgumentException e) {
            out.err.append(e.getMessage()).append('\n');
            status = 2;
        }
        return Optional.of(new ExecOutcome(status, out.out.toString(), out.err.toString()));
    }

    // ------------------------------------------------------------------ the shell

    private static final class Out {
        final StringBuilder out = new StringBuilder();
        final StringBuilder err = new StringBuilder();
        boolean returned;
    }

    private int script(String text, Out out, boolean inFunction) {
        String[] lines = text.split("\n", -1);
        int status = 0;
        for (int i = 0; i < lines.length && !out.returned; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<Object> tokens = ShellWords.tokens(line, status);
            String stdin = null;
            int here = indexOfOp(tokens, "<<");
            if (here >= 0) {
                if (here + 1 >= tokens.size() || !(tokens.get(here + 1) instanceof String tag)) {
                    throw new IllegalArgumentException("ash: syntax error: unexpected newline");
                }
                StringBuilder in = new StringBuilder();
                int j = i + 1;
                while (j < lines.length && !lines[j].equals(tag)) {
                    in.append(lines[j]).append('\n');
                    j++;
                }
                if (j >= lines.length) {
                    throw new IllegalArgumentException("ash: syntax error: unexpected end of file (expecting \"" + tag + "\")");
                }
                stdin = in.toString();
                tokens = new ArrayList<>(tokens);
                tokens.remove(here + 1);
                tokens.remove(here);
                i = j;
            }
            status = chain(tokens, stdin, out, inFunction);
        }
        return status;
    }

    private int chain(List<Object> tokens, String stdin, Out out, boolean inFunction) {
        int status = 0;
        String pending = null;
        List<Object> simple = new ArrayList<>();
        for (int k = 0; k <= tokens.size(); k++) {
            Object t = k < tokens.size() ? tokens.get(k) : new Op("end");
            if (t instanceof Op op && (op.op().equals("&&") || op.op().equals("||") || op.op().equals("end"))) {
                boolean run = pending == null || (pending.equals("&&") && status == 0) || (pending.equals("||") && status != 0);
                if (run) {
                    status = simple(simple, stdin, out, inFunction);
                    if (out.returned) {
                        return status;
                    }
                }
                pending = op.op();
                simple = new ArrayList<>();
            } else {
                simple.add(t);
            }
        }
        return status;
    }

    private int simple(List<Object> tokens, String stdin, Out out, boolean inFunction) {
        String redirect = null;
        boolean joinErr = false;
        List<String> argv = new ArrayList<>();
        for (int k = 0; k < tokens.size(); k++) {
            Object t = tokens.get(k);
            if (t instanceof Op op && op.op().equals("2>&1")) {
                joinErr = true;
            } else if (t instanceof Op op && op.op().equals(">")) {
                if (k + 1 >= tokens.size() || !(tokens.get(k + 1) instanceof String f)) {
                    throw new IllegalArgumentException("ash: syntax error: unexpected newline");
                }
                redirect = f;
                k++;
            } else if (t instanceof String s) {
                argv.add(s);
            } else {
                throw new IllegalArgumentException("ash: syntax error: unexpected \"" + ((Op) t).op() + "\"");
            }
        }
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("ash: syntax error: unexpected \"&&\"");
        }
        Out target = redirect == null && !joinErr ? out : new Out();
        int status = command(argv, stdin, target, inFunction);
        if (joinErr) {
            target.out.append(target.err);
            target.err.setLength(0);
        }
        if (redirect == null && joinErr) {
            out.out.append(target.out);
            out.returned = target.returned;
        } else if (redirect != null) {
            out.err.append(target.err);
            if (!write(redirect, target.out.toString(), out)) {
                return 1;
            }
            out.returned = target.returned;
        }
        return status;
    }

    private int command(List<String> argv, String stdin, Out out, boolean inFunction) {
        String cmd = argv.get(0);
        List<String> args = argv.subList(1, argv.size());
        switch (cmd) {
            case "uci":
                return uci(args, stdin, out);
            case "ubus":
                return ubus(args, out);
            case "ifstatus":
                return ifstatus(args, out);
            case "ip":
                return ip(args, out);
            case "ping":
                out.out.append("PING ").append(args.isEmpty() ? "" : args.get(args.size() - 1)).append(": 56 data bytes\n\n--- ping statistics ---\n1 packets transmitted, 0 packets received, 100% packet loss\n");
                return 1;
            case "cat":
                return cat(args, stdin, out);
            case "echo":
                out.out.append(String.join(" ", args)).append('\n');
                return 0;
            case "cp":
            case "mv":
                return copy(cmd, args, out);
            case "rm":
                return rm(args, out);
            case "sync":
                unsynced.clear();
                return 0;
            case "mkdir":
            case "true":
                return 0;
            case "logger":
                syslog.add(String.join(" ", args));
                return 0;
            case "chmod":
                if (args.size() != 2 || read(args.get(1)) == null) {
                    out.err.append("chmod: ").append(args.isEmpty() ? "" : args.get(args.size() - 1)).append(": No such file or directory\n");
                    return 1;
                }
                modes.put(args.get(1), args.get(0));
                return 0;
            case "[":
            case "test":
                return test(cmd, args);
            case "return":
                if (!inFunction) {
                    out.err.append("ash: return: not in a function\n");
                    return 2;
                }
                out.returned = true;
                return args.isEmpty() ? 0 : Integer.parseInt(args.get(0));
            default:
                if (cmd.startsWith("/etc/init.d/")) {
                    return initScript(cmd, args, out);
                }
                out.err.append("ash: ").append(cmd).append(": not found\n");
                return 127;
        }
    }

    private static int indexOfOp(List<Object> tokens, String op) {
        for (int k = 0; k < tokens.size(); k++) {
            if (tokens.get(k) instanceof Op o && o.op().equals(op)) {
                return k;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ files

    private String read(String path) {
        if (path.equals("/etc/config/network")) {
            return committed.file();
        }
        return files.get(path);
    }

    private boolean write(String path, String content, Out out) {
        touched(path);
        if (path.equals("/etc/config/network")) {
            try {
                committed = UciConfig.parseFile(content);
            } catch (IllegalArgumentException e) {
                files.put("/etc/config/network.broken", content);
                out.err.append(e.getMessage()).append('\n');
                return false;
            }
            return true;
        }
        if (!path.startsWith("/etc/") && !path.startsWith("/tmp/") && !path.startsWith("/var/")) {
            out.err.append("ash: can't create ").append(path).append(": Read-only file system\n");
            return false;
        }
        files.put(path, content);
        return true;
    }

    private int cat(List<String> args, String stdin, Out out) {
        if (args.isEmpty()) {
            out.out.append(stdin == null ? "" : stdin);
            return 0;
        }
        int status = 0;
        for (String f : args) {
            String c = read(f);
            if (c == null) {
                out.err.append("cat: can't open '").append(f).append("': No such file or directory\n");
                status = 1;
            } else {
                out.out.append(c);
            }
        }
        return status;
    }

    private int copy(String cmd, List<String> args, Out out) {
        if (args.size() != 2) {
            out.err.append("BusyBox: ").append(cmd).append(": usage\n");
            return 1;
        }
        String c = read(args.get(0));
        if (c == null) {
            out.err.append(cmd).append(": can't stat '").append(args.get(0)).append("': No such file or directory\n");
            return 1;
        }
        if (!write(args.get(1), c, out)) {
            return 1;
        }
        if (cmd.equals("mv")) {
            touched(args.get(0));
            files.remove(args.get(0));
        }
        return 0;
    }

    private int rm(List<String> args, Out out) {
        boolean force = !args.isEmpty() && args.get(0).equals("-f");
        int status = 0;
        for (String f : force ? args.subList(1, args.size()) : args) {
            touched(f);
            if (files.remove(f) == null && !force) {
                out.err.append("rm: can't remove '").append(f).append("': No such file or directory\n");
                status = 1;
            }
        }
        return status;
    }

    private int test(String cmd, List<String> args) {
        List<String> a = cmd.equals("[") && !args.isEmpty() && args.get(args.size() - 1).equals("]")
                ? args.subList(0, args.size() - 1) : args;
        if (a.size() != 2) {
            return 2;
        }
        String c = read(a.get(1));
        return switch (a.get(0)) {
            case "-f", "-e" -> c != null ? 0 : 1;
            case "-x" -> c != null && "755".equals(modes.get(a.get(1))) ? 0 : 1;
            default -> 2;
        };
    }

    private int initScript(String path, List<String> args, Out out) {
        String text = read(path);
        if (text == null) {
            out.err.append("ash: ").append(path).append(": not found\n");
            return 127;
        }
        if (!"755".equals(modes.get(path))) {
            out.err.append("ash: ").append(path).append(": Permission denied\n");
            return 126;
        }
        String name = path.substring("/etc/init.d/".length());
        String action = args.isEmpty() ? "" : args.get(0);
        if (name.equals("network") && (action.equals("reload") || action.equals("restart"))) {
            reload();
            return 0;
        }
        Matcher start = Pattern.compile("(?m)^START=(\\d+)$").matcher(text);
        String link = start.find() ? "/etc/rc.d/S" + start.group(1) + name : null;
        switch (action) {
            case "enable":
                if (link == null) {
                    return 1;
                }
                touched(link);
                files.put(link, path);
                return 0;
            case "enabled":
                return link != null && files.containsKey(link) ? 0 : 1;
            case "disable":
                if (link != null) {
                    touched(link);
                    files.remove(link);
                }
                return 0;
            default:
                out.err.append("Syntax: ").append(path).append(" [command]\n");
                return 1;
        }
    }

    private void runBoot(String script) {
        Matcher m = Pattern.compile("(?s)\\nboot\\(\\) \\{\\n(.*?)\\n\\}").matcher(script);
        if (!m.find()) {
            return;
        }
        Out out = new Out();
        try {
            script(m.group(1), out, true);
        } catch (IllegalArgumentException e) {
            syslog.add("boot: " + e.getMessage());
        }
        if (out.err.length() > 0) {
            syslog.add("boot: " + out.err.toString().strip());
        }
    }

    // ------------------------------------------------------------------ uci

    private int uci(List<String> args, String stdin, Out out) {
        String savedir = DEFAULT_SAVEDIR;
        boolean quiet = false;
        int k = 0;
        while (k < args.size() && args.get(k).startsWith("-")) {
            switch (args.get(k)) {
                case "-q" -> quiet = true;
                case "-P", "-p" -> {
                    if (k + 1 >= args.size()) {
                        return usage(out);
                    }
                    savedir = args.get(++k);
                }
                default -> {
                    return usage(out);
                }
            }
            k++;
        }
        if (k >= args.size()) {
            return usage(out);
        }
        String cmd = args.get(k);
        List<String> rest = args.subList(k + 1, args.size());
        if (!cmd.equals("batch") && !rest.isEmpty() && !rest.get(0).equals(PKG) && !rest.get(0).startsWith(PKG + ".")) {
            if (!quiet) {
                out.err.append("uci: Entry not found\n");
            }
            return 1;
        }
        switch (cmd) {
            case "batch":
                return batch(savedir, stdin == null ? "" : stdin, out);
            case "show":
                out.out.append(view(savedir).show(PKG));
                return 0;
            case "export":
                out.out.append(view(savedir).export(PKG));
                return 0;
            case "changes":
                List<Delta> all = new ArrayList<>(savedirs.getOrDefault(DEFAULT_SAVEDIR, List.of()));
                if (!savedir.equals(DEFAULT_SAVEDIR)) {
                    all.addAll(savedirs.getOrDefault(savedir, List.of()));
                }
                out.out.append(changesText(all));
                return 0;
            case "revert":
                savedirs.remove(savedir);
                return 0;
            case "commit":
                committed = view(savedir);
                unsynced.remove(CONFIG_FILE);
                savedirs.remove(savedir);
                savedirs.remove(DEFAULT_SAVEDIR);
                return 0;
            case "get":
                if (rest.isEmpty()) {
                    return usage(out);
                }
                String[] p = rest.get(0).split("\\.");
                Section s = p.length >= 2 ? view(savedir).sections.get(p[1]) : null;
                String v = s == null ? null : p.length == 2 ? s.type : s.get(p[2]);
                if (v == null) {
                    if (!quiet) {
                        out.err.append("uci: Entry not found\n");
                    }
                    return 1;
                }
                out.out.append(v).append('\n');
                return 0;
            default:
                return usage(out);
        }
    }

    private static int usage(Out out) {
        out.err.append("Usage: uci [<options>] <command> [<arguments>]\n");
        return 255;
    }

    private UciConfig view(String savedir) {
        List<Delta> all = new ArrayList<>(savedirs.getOrDefault(DEFAULT_SAVEDIR, List.of()));
        if (!savedir.equals(DEFAULT_SAVEDIR)) {
            all.addAll(savedirs.getOrDefault(savedir, List.of()));
        }
        return UciConfig.with(committed, all);
    }

    private static String changesText(List<Delta> deltas) {
        StringBuilder b = new StringBuilder();
        deltas.forEach(d -> b.append(d.line(PKG)).append('\n'));
        return b.toString();
    }

    private int batch(String savedir, String input, Out out) {
        int lineNo = 0;
        for (String line : input.split("\n")) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty()) {
                continue;
            }
            List<String> w;
            try {
                w = ShellWords.uciWords(t);
            } catch (IllegalArgumentException e) {
                out.err.append("uci: Parse error (").append(e.getMessage()).append(") at line ").append(lineNo)
                        .append(", byte ").append(t.length()).append('\n');
                continue;
            }
            String cmd = w.get(0);
            if (cmd.equals("commit")) {
                committed = view(savedir);
                savedirs.remove(savedir);
                continue;
            }
            if (!cmd.equals("set") && !cmd.equals("delete") && !cmd.equals("add_list")) {
                out.err.append("Unknown command\n");
                continue;
            }
            if (w.size() != 2) {
                out.err.append("uci: Invalid argument\n");
                continue;
            }
            String error = stage(savedir, cmd, w.get(1));
            if (error != null) {
                out.err.append("uci: ").append(error).append('\n');
            }
        }
        return 0;
    }

    /** Stages one set/delete/add_list; returns uci's error or null. */
    private String stage(String savedir, String cmd, String arg) {
        int eq = arg.indexOf('=');
        String path = eq < 0 ? arg : arg.substring(0, eq);
        String value = eq < 0 ? null : arg.substring(eq + 1);
        String[] p = path.split("\\.", -1);
        if (p.length < 2 || p.length > 3 || !p[0].equals(PKG)) {
            return p.length >= 1 && !p[0].equals(PKG) && UciConfig.NAME.matcher(p[0]).matches() ? "Entry not found" : "Invalid argument";
        }
        for (int i = 1; i < p.length; i++) {
            if (!UciConfig.NAME.matcher(p[i]).matches()) {
                return "Invalid argument";
            }
        }
        UciConfig view = view(savedir);
        Section s = view.sections.get(p[1]);
        List<Delta> deltas = savedirs.computeIfAbsent(savedir, d -> new ArrayList<>());
        switch (cmd) {
            case "set":
                if (value == null) {
                    return "Invalid argument";
                }
                if (p.length == 2) {
                    if (!UciConfig.NAME.matcher(value).matches()) {
                        return "Invalid argument";
                    }
                    deltas.add(new Delta('=', p[1], null, value));
                    return null;
                }
                if (s == null) {
                    return "Entry not found";
                }
                deltas.add(new Delta('=', p[1], p[2], value));
                return null;
            case "add_list":
                if (value == null || p.length != 3) {
                    return "Invalid argument";
                }
                if (s == null) {
                    return "Entry not found";
                }
                deltas.add(new Delta('+', p[1], p[2], value));
                return null;
            default:
                if (value != null) {
                    return "Invalid argument";
                }
                if (s == null || (p.length == 3 && !s.options.containsKey(p[2]))) {
                    return "Entry not found";
                }
                deltas.add(new Delta('-', p[1], p.length == 3 ? p[2] : null, null));
                return null;
        }
    }

    // ------------------------------------------------------------------ ubus / rpcd

    private int ubus(List<String> args, Out out) {
        if (args.size() < 3 || !args.get(0).equals("call")) {
            out.err.append("Usage: ubus [<options>] <command> [arguments...]\n");
            return 255;
        }
        String object = args.get(1);
        String method = args.get(2);
        String msg = args.size() > 3 ? args.get(3) : "{}";
        if (!msg.strip().startsWith("{") || !msg.strip().endsWith("}") || count(msg, '"') % 2 != 0) {
            out.err.append("Failed to parse message data\n");
            return 255;
        }
        Map<String, String> strings = fields(JSON_STRING, msg);
        Map<String, String> numbers = fields(JSON_NUMBER, msg);
        Map<String, String> bools = fields(JSON_BOOL, msg);
        int status;
        switch (object) {
            case "session" -> status = session(method, strings, numbers, msg, out);
            case "uci" -> status = rpcUci(method, strings, numbers, bools);
            case "network" -> {
                if (!method.equals("get_proto_handlers")) {
                    status = 3;
                } else {
                    StringBuilder b = new StringBuilder("{");
                    List<String> protos = new ArrayList<>(List.of("static", "dhcp", "gre", "grev6", "ipip"));
                    if (vxlanInstalled) {
                        protos.addAll(List.of("vxlan", "vxlan6"));
                    }
                    for (int k = 0; k < protos.size(); k++) {
                        b.append(k == 0 ? "\n" : ",\n").append("\t\"").append(protos.get(k)).append("\": {\n\t\t\"no_device\": ")
                                .append(!protos.get(k).equals("static") && !protos.get(k).equals("dhcp")).append("\n\t}");
                    }
                    out.out.append(b).append("\n}\n");
                    status = 0;
                }
            }
            case "network.device" -> status = method.equals("status") ? deviceStatus(strings.get("name"), out) : 3;
            case "network.interface" -> status = method.equals("dump") ? interfaceDump(out) : 3;
            default -> {
                if (object.startsWith("network.interface.") && interfaceStatus(object.substring("network.interface.".length())).isPresent()) {
                    status = method.equals("status") ? 0 : 3;
                    if (status == 0) {
                        out.out.append(interfaceStatus(object.substring("network.interface.".length())).get());
                    }
                } else {
                    status = 4;
                }
            }
        }
        if (failNext != null && failNext.equals(object + " " + method)) {
            failNext = null;
            status = failStatus;
        }
        if (status != 0) {
            out.err.append("Command failed: ").append(ubusError(status)).append('\n');
        }
        return status;
    }

    private static String ubusError(int status) {
        return switch (status) {
            case 1 -> "Invalid command";
            case 2 -> "Invalid argument";
            case 3 -> "Method not found";
            case 4 -> "Not found";
            case 5 -> "No response";
            case 6 -> "Permission denied";
            case 7 -> "Request timed out";
            case 8 -> "Operation not supported";
            case 9 -> "Unknown error";
            case 10 -> "Connection failed";
            default -> "Unknown error: " + status;
        };
    }

    private int session(String method, Map<String, String> s, Map<String, String> n, String msg, Out out) {
        switch (method) {
            case "create": {
                long timeout = n.containsKey("timeout") ? Long.parseLong(n.get("timeout")) : 300;
                String sid = String.format("%032x", sidCounter++ * 0x9e3779b97f4a7c15L & Long.MAX_VALUE);
                sessions.put(sid, new RpcSession(clock.now().plusSeconds(timeout)));
                out.out.append("{\n\t\"ubus_rpc_session\": \"").append(sid).append("\",\n\t\"timeout\": ").append(timeout)
                        .append(",\n\t\"expires\": ").append(timeout).append(",\n\t\"acls\": {\n\t\t\n\t},\n\t\"data\": {\n\t\t\n\t}\n}\n");
                return 0;
            }
            case "grant": {
                RpcSession session = sessions.get(s.get("ubus_rpc_session"));
                if (session == null) {
                    return 4;
                }
                if (!"uci".equals(s.get("scope")) || !msg.replace(" ", "").contains("[\"network\",\"write\"]")) {
                    return 2;
                }
                session.networkWrite = true;
                return 0;
            }
            case "list": {
                String sid = s.get("ubus_rpc_session");
                if (sid != null && !sessions.containsKey(sid)) {
                    return 4;
                }
                out.out.append("{\n\t\"ubus_rpc_session\": \"").append(sid).append("\"\n}\n");
                return 0;
            }
            case "destroy": {
                String sid = s.get("ubus_rpc_session");
                if (sid == null || sessions.remove(sid) == null) {
                    return 4;
                }
                savedirs.remove(RPCD_SAVEDIR + sid);
                return 0;
            }
            default:
                return 3;
        }
    }

    private int rpcUci(String method, Map<String, String> s, Map<String, String> n, Map<String, String> b) {
        String sid = s.get("ubus_rpc_session");
        switch (method) {
            case "apply": {
                boolean rollback = "true".equals(b.get("rollback"));
                if (applySid != null && rollback) {
                    return 6;
                }
                if (sid == null) {
                    return 2;
                }
                long timeout = n.containsKey("timeout") ? Long.parseLong(n.get("timeout")) : 60;
                // rpc_uci_apply purges the snapshot before it looks at apply_sid: an apply without
                // rollback while a change is pending leaves that change with nothing to roll back to
                snapshot = null;
                snapshotDelta = List.of();
                if (applySid == null) {
                    List<Delta> staged = savedirs.getOrDefault(RPCD_SAVEDIR + sid, List.of());
                    if (staged.isEmpty()) {
                        return 5;
                    }
                    RpcSession session = sessions.get(sid);
                    if (session == null || !session.networkWrite) {
                        return 6;
                    }
                    if (rollback) {
                        applySid = sid;
                    }
                    snapshot = committed.copy();
                    snapshotDelta = List.copyOf(staged);
                    committed = UciConfig.with(committed, staged);
                    savedirs.remove(RPCD_SAVEDIR + sid);
                    unsynced.remove(CONFIG_FILE);
                    scheduleReload();
                    if (rollback) {
                        rollbackTimer = clock.schedule(Duration.ofSeconds(timeout), this::timerFired);
                    }
                }
                return 0;
            }
            case "confirm": {
                if (sid == null) {
                    return 2;
                }
                if (applySid == null) {
                    return 5;
                }
                if (!applySid.equals(sid)) {
                    return 6;
                }
                rollbackTimer.cancel();
                clearApply();
                return 0;
            }
            case "rollback": {
                if (applySid == null) {
                    return 5;
                }
                if (sid == null) {
                    return 2;
                }
                if (!applySid.equals(sid)) {
                    return 6;
                }
                rollbackTimer.cancel();
                if (snapshot != null) {
                    committed = snapshot;
                    unsynced.remove(CONFIG_FILE);
                    scheduleReload();
                }
                savedirs.put(RPCD_SAVEDIR + sid, new ArrayList<>(snapshotDelta));
                clearApply();
                return 0;
            }
            case "changes", "get", "set", "delete", "revert", "commit", "configs", "state", "add", "rename", "order":
                return 2;
            default:
                return 3;
        }
    }

    private synchronized void timerFired() {
        if (applySid == null) {
            return;
        }
        if (snapshot != null) {
            committed = snapshot;
            unsynced.remove(CONFIG_FILE);
            reload();
            syslog.add("rpcd: rollback timer expired, previous configuration restored");
        } else {
            syslog.add("rpcd: rollback timer expired, no snapshot to restore");
        }
        clearApply();
    }

    private void clearApply() {
        applySid = null;
        snapshot = null;
        snapshotDelta = List.of();
        rollbackTimer = null;
    }

    private void expireSessions() {
        Instant now = clock.now();
        sessions.entrySet().removeIf(e -> {
            if (!e.getValue().expires.isAfter(now)) {
                savedirs.remove(RPCD_SAVEDIR + e.getKey());
                return true;
            }
            return false;
        });
    }

    private static Map<String, String> fields(Pattern p, String msg) {
        Map<String, String> m = new HashMap<>();
        Matcher x = p.matcher(msg);
        while (x.find()) {
            m.put(x.group(1), x.group(2));
        }
        return m;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    // ------------------------------------------------------------------ netifd and the kernel

    private record Addr(InetAddress address, int prefix) {
    }

    private static final class Dev {
        final String name;
        final int mtu;
        final List<Addr> addresses = new ArrayList<>();

        Dev(String name, int mtu) {
            this.name = name;
            this.mtu = mtu;
        }
    }

    /** Devices and their addresses as netifd built them from the running configuration. */
    private Map<String, Dev> devices() {
        Map<String, Dev> devs = new LinkedHashMap<>();
        devs.put("lo", new Dev("lo", 65536));
        devs.put("eth0", new Dev("eth0", 1500));
        running.sections.forEach((name, s) -> {
            if (!s.type.equals("interface")) {
                return;
            }
            String proto = s.get("proto");
            if (("vxlan".equals(proto) || "vxlan6".equals(proto)) && vxlanInstalled && runningVxlanModule && vxlanValid(name, s, proto.equals("vxlan6"))) {
                int mtu = s.get("mtu") != null ? Integer.parseInt(s.get("mtu")) : proto.equals("vxlan6") ? 1430 : 1450;
                devs.put(name, new Dev(name, mtu));
            } else if (("gre".equals(proto) || "grev6".equals(proto) || "ipip".equals(proto)) && ipTunnelValid(name, s, proto)) {
                String dev = tunnelDevice(name, proto);
                devs.put(dev, new Dev(dev, s.get("mtu") != null ? Integer.parseInt(s.get("mtu")) : 1280));
            }
        });
        running.sections.forEach((name, s) -> {
            if (s.type.equals("interface") && "static".equals(s.get("proto")) && s.get("device") != null
                    && devs.containsKey(s.get("device"))) {
                Dev d = devs.get(s.get("device"));
                addr(s.get("ipaddr"), s.get("netmask"), false).ifPresent(d.addresses::add);
                addr(s.get("ip6addr"), null, true).ifPresent(d.addresses::add);
            }
        });
        return devs;
    }

    /** netifd's device for a tunnel proto: gre.sh and ipip.sh prefix the section name. */
    private static String tunnelDevice(String name, String proto) {
        return switch (proto) {
            case "gre" -> "gre4-" + name;
            case "grev6" -> "gre6-" + name;
            case "ipip" -> "ipip-" + name;
            default -> name;
        };
    }

    private static boolean ipTunnelValid(String name, Section s, String proto) {
        try {
            boolean six = proto.equals("grev6");
            if (tunnelDevice(name, proto).length() > 15) {
                return false;
            }
            InetAddress peer = InetAddress.getByName(literal(s.get(six ? "peer6addr" : "peeraddr")));
            InetAddress local = InetAddress.getByName(literal(s.get(six ? "ip6addr" : "ipaddr")));
            if ((peer instanceof Inet6Address) != six || (local instanceof Inet6Address) != six) {
                return false;
            }
            // gre.sh declares ikey and okey as int32: a larger key does not make a device
            for (String key : List.of("ikey", "okey")) {
                if (s.get(key) != null && (Long.parseLong(s.get(key)) < 0 || Long.parseLong(s.get(key)) > Integer.MAX_VALUE)) {
                    return false;
                }
            }
            int mtu = s.get("mtu") == null ? 1280 : Integer.parseInt(s.get("mtu"));
            return mtu >= 68 && mtu <= 65535;
        } catch (RuntimeException | UnknownHostException e) {
            return false;
        }
    }

    private static boolean vxlanValid(String name, Section s, boolean six) {
        try {
            if (name.length() > 15) {
                return false;
            }
            InetAddress peer = InetAddress.getByName(literal(s.get(six ? "peer6addr" : "peeraddr")));
            InetAddress local = InetAddress.getByName(literal(s.get(six ? "ip6addr" : "ipaddr")));
            if ((peer instanceof Inet6Address) != six || (local instanceof Inet6Address) != six) {
                return false;
            }
            long vid = Long.parseLong(s.get("vid"));
            int port = s.get("port") == null ? 4789 : Integer.parseInt(s.get("port"));
            int mtu = s.get("mtu") == null ? 1450 : Integer.parseInt(s.get("mtu"));
            return vid >= 1 && vid <= 16777215 && port >= 1 && port <= 65535 && mtu >= 68 && mtu <= 65535;
        } catch (RuntimeException | UnknownHostException e) {
            return false;
        }
    }

    private static String literal(String s) {
        if (s == null || !s.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an address: " + s);
        }
        return s;
    }

    private static Optional<Addr> addr(String value, String netmask, boolean six) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            String[] p = value.split("/");
            InetAddress a = InetAddress.getByName(literal(p[0]));
            if ((a instanceof Inet6Address) != six) {
                return Optional.empty();
            }
            int len;
            if (p.length > 1) {
                len = Integer.parseInt(p[1]);
            } else if (netmask != null) {
                len = Long.bitCount(new java.math.BigInteger(1, InetAddress.getByName(literal(netmask)).getAddress()).longValue());
            } else {
                len = six ? 128 : 32;
            }
            return Optional.of(new Addr(a, len));
        } catch (RuntimeException | UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** BusyBox's ip, as on a stock image without ip-full: no {@code -j}. */
    private int ip(List<String> args, Out out) {
        if (!args.isEmpty() && args.get(0).startsWith("-") && args.get(0).contains("j")) {
            out.err.append("ip: invalid option -- 'j'\nBusyBox v1.36.1 (2024-02-10) multi-call binary.\n\n"
                    + "Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n");
            return 1;
        }
        out.err.append("ip: the emulator runs no ip command but -j, which it refuses as BusyBox does\n");
        return 1;
    }

    /** {@code ubus call network.device status}: every device by name, or the one named. */
    private int deviceStatus(String name, Out out) {
        Map<String, Dev> devs = devices();
        if (name != null && !devs.containsKey(name)) {
            return 2;
        }
        StringBuilder b = new StringBuilder("{\n");
        boolean first = true;
        for (Dev d : devs.values()) {
            if (name != null && !name.equals(d.name)) {
                continue;
            }
            String body = "\t\"external\": false,\n\t\"present\": true,\n\t\"type\": \"Network device\",\n\t\"up\": true,\n"
                    + "\t\"carrier\": true,\n\t\"mtu\": " + d.mtu + ",\n\t\"mtu6\": " + d.mtu + "\n";
            if (name != null) {
                b.append(body);
            } else {
                b.append(first ? "" : ",\n").append("\t\"").append(d.name).append("\": {\n").append(body.replace("\n\t", "\n\t\t")
                        .replaceFirst("^\t", "\t\t")).append("\t}");
                first = false;
            }
        }
        out.out.append(b).append(name != null ? "}\n" : "\n}\n");
        return 0;
    }

    /** {@code ubus call network.interface dump}. */
    private int interfaceDump(Out out) {
        StringBuilder b = new StringBuilder("{\n\t\"interface\": [");
        boolean first = true;
        for (String name : running.sections.keySet()) {
            Optional<String> st = interfaceStatus(name);
            if (st.isPresent()) {
                String body = st.get().strip();
                b.append(first ? "\n" : ",\n").append("{\n\t\"interface\": \"").append(name).append("\",")
                        .append(body.substring(1));
                first = false;
            }
        }
        out.out.append(b).append("\n\t]\n}\n");
        return 0;
    }

    private int ifstatus(List<String> args, Out out) {
        if (args.size() != 1) {
            out.out.append("Usage: ifstatus <interface>\n");
            return 1;
        }
        Optional<String> st = interfaceStatus(args.get(0));
        if (st.isEmpty()) {
            out.out.append("Interface ").append(args.get(0)).append(" not found\n");
            return 1;
        }
        out.out.append(st.get());
        return 0;
    }

    /** What {@code ubus call network.interface.<name> status} prints, or empty if netifd has no such interface. */
    private Optional<String> interfaceStatus(String name) {
        Section s = running.sections.get(name);
        if (s == null || !s.type.equals("interface")) {
            return Optional.empty();
        }
        Map<String, Dev> devs = devices();
        String proto = s.get("proto");
        boolean tunnel = List.of("vxlan", "vxlan6", "gre", "grev6", "ipip").contains(proto);
        String device = tunnel ? tunnelDevice(name, proto) : s.get("device");
        boolean up = device != null && devs.containsKey(device);
        StringBuilder b = new StringBuilder("{\n\t\"up\": ").append(up).append(",\n\t\"pending\": false,\n\t\"available\": ")
                .append(up || !tunnel).append(",\n\t\"autostart\": true,\n\t\"dynamic\": false,\n\t\"proto\": \"")
                .append(proto).append("\",\n");
        if (up) {
            b.append("\t\"l3_device\": \"").append(device).append("\",\n\t\"device\": \"").append(device).append("\",\n");
            for (boolean six : new boolean[] {false, true}) {
                b.append(six ? "\t\"ipv6-address\": [" : "\t\"ipv4-address\": [");
                boolean first = true;
                for (Addr a : devs.get(device).addresses) {
                    if ((a.address instanceof Inet6Address) == six) {
                        b.append(first ? "" : ",").append("\n\t\t{\n\t\t\t\"address\": \"").append(net.dtm.api.Cidr.format(a.address))
                                .append("\",\n\t\t\t\"mask\": ").append(a.prefix).append("\n\t\t}");
                        first = false;
                    }
                }
                b.append("\n\t],\n");
            }
        } else if (tunnel) {
            b.append("\t\"errors\": [\n\t\t{\n\t\t\t\"subsystem\": \"").append(proto).append("\",\n\t\t\t\"code\": \"INVALID_ARGUMENT\"\n\t\t}\n\t],\n");
        }
        b.append("\t\"data\": {\n\t\t\n\t}\n}\n");
        return Optional.of(b.toString());
    }
}
