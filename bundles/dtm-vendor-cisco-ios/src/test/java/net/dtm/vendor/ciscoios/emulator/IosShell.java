package net.dtm.vendor.ciscoios.emulator;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import net.dtm.config.ssh.testkit.EmulatedShell;

/**
 * One CLI session on an {@link IosDevice}: its own mode (user EXEC, privileged EXEC, global
 * configuration, interface configuration) and terminal length. Commands are full keywords (no
 * abbreviations); errors are IOS's own text, the caret under the first word IOS could not take,
 * counted from the start of the prompt. A line that is not an interface command in interface mode is
 * tried as a global command, and leaves interface mode when it is one, as IOS does.
 */
final class IosShell implements EmulatedShell {

    private enum Mode { USER, EXEC, CONFIG, INTERFACE, ARCHIVE }

    /** The first words each mode knows, for IOS's abbreviations ({@code conf t}, {@code int Tunnel1}). */
    private static final Map<Mode, List<String>> FIRST_WORDS = Map.of(
            Mode.USER, List.of("enable", "exit", "logout", "ping", "quit", "show", "terminal"),
            Mode.EXEC, List.of("configure", "disable", "enable", "exit", "logout", "ping", "quit", "show", "terminal",
                    "write"),
            Mode.CONFIG, List.of("archive", "do", "end", "exit", "hostname", "interface", "ip", "ipv6", "no"),
            Mode.INTERFACE, List.of("description", "do", "end", "exit", "ip", "ipv6", "no", "shutdown", "tunnel"),
            Mode.ARCHIVE, List.of("do", "end", "exit", "maximum", "no", "path"));

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern TUNNEL = Pattern.compile("Tunnel(\\d{1,10})");
    private static final long MAX_TUNNEL = 2147483647L;
    /** Interface types as IOS takes them abbreviated, e.g. {@code Tu4000}, {@code gi0/0}. */
    private static final Pattern INTERFACE_TYPE = Pattern.compile("(?i)(tu|tun|tunn|tunne|tunnel|gi|gig|giga|gigabit"
            + "|gigabitethernet)(\\d+(?:/\\d+)*)");

    private record Token(String text, int column) {
    }

    /** The command cannot be parsed at the word starting at {@code column}. */
    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int column;

        Invalid(int column) {
            super(null, null, false, false);
            this.column = column;
        }
    }

    /** The command stops before a required word. */
    private static final class Incomplete extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Incomplete() {
            super(null, null, false, false);
        }
    }

    /** An abbreviation that more than one command starts with. */
    private static final class Ambiguous extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Ambiguous() {
            super(null, null, false, false);
        }
    }

    /** IOS rejects the values with a message of its own (no caret). */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final IosDevice device;
    private Mode mode = Mode.EXEC;
    private String iface;
    private int length = 24;
    private boolean ended;
    private String line = "";
    private List<Token> toks = List.of();

    IosShell(IosDevice device) {
        this.device = device;
    }

    @Override
    public String banner() {
        return "\nUnauthorized access is prohibited.\n\n";
    }

    @Override
    public String prompt() {
        String host = device.hostname();
        return switch (mode) {
            case USER -> host + ">";
            case EXEC -> host + "#";
            case CONFIG -> host + "(config)#";
            case INTERFACE -> host + "(config-if)#";
            case ARCHIVE -> host + "(config-archive)#";
        };
    }

    @Override
    public boolean ended() {
        return ended;
    }

    @Override
    public String line(String typed) {
        java.time.Duration stall = device.stallFor(typed.trim());
        if (!stall.isZero()) {
            device.stalling(1);
            try {
                Thread.sleep(stall.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                device.stalling(-1);
            }
        }
        synchronized (device) {
            device.record(typed);
            String prompt = prompt();
            String out;
            try {
                if (device.isRefused(typed.trim())) {
                    List<Token> t = tokens(typed);
                    throw new Invalid(t.isEmpty() ? 0 : t.get(t.size() - 1).column());
                }
                out = dispatch(typed);
            } catch (Invalid e) {
                out = " ".repeat(prompt.length() + e.column) + "^\n% Invalid input detected at '^' marker.\n\n";
            } catch (Incomplete e) {
                out = "% Incomplete command.\n\n";
            } catch (Refused e) {
                out = e.getMessage() + "\n";
            } catch (Ambiguous e) {
                out = "% Ambiguous command:  \"" + typed.trim() + "\"\n";
            }
            return page(out);
        }
    }

    // ------------------------------------------------------------------ dispatch

    private String dispatch(String typed) {
        line = typed;
        toks = tokens(typed);
        if (toks.isEmpty()) {
            return "";
        }
        expandFirstWord(mode);
        return switch (mode) {
            case USER -> user();
            case EXEC -> exec();
            case CONFIG -> global();
            case INTERFACE -> interfaceOrGlobal();
            case ARCHIVE -> archiveOrGlobal();
        };
    }

    private String user() {
        return switch (word(0)) {
            case "enable" -> {
                end(1);
                mode = Mode.EXEC;
                yield "";
            }
            case "exit", "logout", "quit" -> logout();
            case "terminal", "ping" -> exec();
            case "show" -> word(1).equals("version") ? exec() : invalid(1);
            default -> invalid(0);
        };
    }

    private String exec() {
        return switch (word(0)) {
            case "enable" -> {
                end(1);
                yield "";
            }
            case "disable" -> {
                end(1);
                mode = Mode.USER;
                yield "";
            }
            case "exit", "logout", "quit" -> logout();
            case "terminal" -> terminal();
            case "show" -> show();
            case "ping" -> ping();
            case "configure" -> configure();
            case "write" -> {
                if (!word(1).equals("memory")) {
                    yield invalid(1);
                }
                end(2);
                device.writeMemory();
                yield "Building configuration...\n[OK]\n";
            }
            default -> invalid(0);
        };
    }

    private String logout() {
        end(1);
        ended = true;
        return "";
    }

    private String terminal() {
        switch (word(1)) {
            case "length" -> {
                length = (int) number(2, 0, 512);
                end(3);
            }
            case "width" -> {
                number(2, 0, 512);
                end(3);
            }
            case "monitor" -> end(2);
            default -> invalid(1);
        }
        return "";
    }

    private String configure() {
        switch (keyword(1, "terminal", "confirm", "revert", "replace", "memory")) {
            case "terminal" -> {
                if (toks.size() == 2) {
                    mode = Mode.CONFIG;
                    return "Enter configuration commands, one per line.  End with CNTL/Z.\n";
                }
                if (!word(2).equals("revert")) {
                    return invalid(2);
                }
                if (!word(3).equals("timer")) {
                    return invalid(3);
                }
                int minutes = (int) number(4, 1, 120);
                end(5);
                Optional<String> error = device.armRevert(minutes);
                if (error.isPresent()) {
                    throw new Refused(error.get());
                }
                mode = Mode.CONFIG;
                return "Rollback Confirmed Change: Rollback will begin after " + minutes + " minutes of inactivity\n"
                        + "Enter configuration commands, one per line.  End with CNTL/Z.\n";
            }
            case "confirm" -> {
                end(2);
                device.confirm().ifPresent(e -> {
                    throw new Refused(e);
                });
                return "";
            }
            case "revert" -> {
                if (!word(2).equals("now")) {
                    return invalid(2);
                }
                end(3);
                device.revertNow().ifPresent(e -> {
                    throw new Refused(e);
                });
                return "Rollback Done\n";
            }
            default -> {
                return invalid(1);
            }
        }
    }

    private String ping() {
        String target = word(1);
        InetAddress a = IosConfig.v4(target) != null ? IosConfig.v4(target) : IosConfig.v6(target);
        if (a == null) {
            return invalid(1);
        }
        int repeat = 5;
        long timeout = 2;
        for (int i = 2; i < toks.size(); i += 2) {
            switch (word(i)) {
                case "source" -> word(i + 1);
                case "repeat" -> repeat = (int) number(i + 1, 1, 2147483647);
                case "timeout" -> timeout = number(i + 1, 0, 3600);
                default -> invalid(i);
            }
        }
        boolean answers = device.answers(a instanceof Inet6Address six ? IosConfig.ios6(six) : target);
        String marks = (answers ? "!" : ".").repeat(repeat);
        return "Type escape sequence to abort.\nSending " + repeat + ", 100-byte ICMP Echos to " + target + ", timeout is "
                + timeout + " seconds:\n" + marks + "\nSuccess rate is " + (answers ? 100 : 0) + " percent (" + (answers ? repeat : 0)
                + "/" + repeat + ")" + (answers ? ", round-trip min/avg/max = 1/1/1 ms" : "") + "\n";
    }

    // ------------------------------------------------------------------ show

    private String show() {
        int pipe = line.indexOf(" | ");
        String filter = null;
        if (pipe >= 0) {
            filter = line.substring(pipe + 3);
            toks = tokens(line.substring(0, pipe));
        }
        String out = switch (keyword(1, "running-config", "archive", "version", "interfaces", "ip", "ipv6")) {
            case "running-config" -> showRunning();
            case "archive" -> showArchive();
            case "ip", "ipv6" -> {
                boolean v6 = word(1).equals("ipv6");
                if (!keyword(2, "interface").equals("interface")) {
                    yield invalid(2);
                }
                if (!keyword(3, "brief").equals("brief")) {
                    yield invalid(3);
                }
                end(4);
                yield v6 ? device.showIpv6InterfaceBrief() : device.showIpInterfaceBrief();
            }
            case "version" -> {
                end(2);
                yield "Cisco IOS XE Software, Version 17.09.04a\nCisco IOS Software [Cupertino], ISR Software, Version 17.9.4a\n"
                        + device.hostname() + " uptime is 1 week, 2 days\n";
            }
            default -> invalid(1);
        };
        return filter == null ? out : filter(out, filter, pipe + 3);
    }

    private String filter(String out, String filter, int column) {
        int space = filter.indexOf(' ');
        String kind = space < 0 ? filter : filter.substring(0, space);
        String regex = space < 0 ? "" : filter.substring(space + 1);
        if (!List.of("include", "exclude", "begin").contains(kind)) {
            throw new Invalid(column);
        }
        if (regex.isEmpty()) {
            throw new Incomplete();
        }
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new Invalid(column + space + 1);
        }
        StringBuilder b = new StringBuilder();
        boolean begun = false;
        for (String l : out.split("\n", -1)) {
            boolean match = p.matcher(l).find();
            begun |= match;
            if (kind.equals("include") ? match : kind.equals("exclude") ? !match : begun) {
                b.append(l).append('\n');
            }
        }
        return b.toString();
    }

    private String showRunning() {
        IosConfig c = device.config();
        List<String> lines;
        if (toks.size() == 2) {
            lines = c.lines();
        } else if (keyword(2, "interface", "all", "brief").equals("interface")) {
            String name = interfaceName(3);
            IosConfig.Interface i = c.interfaces.get(name);
            if (i == null) {
                return invalid(3);
            }
            lines = new ArrayList<>();
            lines.add("!");
            lines.add("interface " + name);
            lines.addAll(i.lines());
            lines.add("end");
        } else {
            return invalid(2);
        }
        String body = String.join("\n", lines) + "\n";
        return "Building configuration...\n\nCurrent configuration : " + body.length() + " bytes\n" + body + "\n";
    }

    private String showArchive() {
        if (toks.size() == 2) {
            return device.showArchive();
        }
        if (!word(2).equals("config")) {
            return invalid(2);
        }
        if (!word(3).equals("differences")) {
            return invalid(3);
        }
        IosConfig from = toks.size() > 4 ? device.named(word(4)) : device.startup();
        IosConfig to = toks.size() > 5 ? device.named(word(5)) : device.config();
        if (from == null) {
            throw new Refused("%Error opening " + word(4) + " (File not found)");
        }
        if (to == null) {
            throw new Refused("%Error opening " + word(5) + " (File not found)");
        }
        end(6);
        return differences(from, to);
    }

    private static String differences(IosConfig from, IosConfig to) {
        Map<String, IosConfig.Block> a = from.blockMap();
        Map<String, IosConfig.Block> b = to.blockMap();
        StringBuilder out = new StringBuilder();
        for (IosConfig.Block old : a.values()) {
            if (!b.containsKey(old.header())) {
                out.append('-').append(old.header()).append('\n');
                old.children().forEach(c -> out.append(" -").append(c.substring(1)).append('\n'));
            }
        }
        for (IosConfig.Block now : b.values()) {
            IosConfig.Block old = a.get(now.header());
            if (old == null) {
                out.append('+').append(now.header()).append('\n');
                now.children().forEach(c -> out.append(" +").append(c.substring(1)).append('\n'));
            } else if (!old.children().equals(now.children())) {
                out.append(now.header()).append('\n');
                old.children().stream().filter(c -> !now.children().contains(c))
                        .forEach(c -> out.append(" -").append(c.substring(1)).append('\n'));
                now.children().stream().filter(c -> !old.children().contains(c))
                        .forEach(c -> out.append(" +").append(c.substring(1)).append('\n'));
            }
        }
        return out.length() == 0 ? "!No changes were found\n" : "!Contextual Config Diffs:\n" + out;
    }

    // ------------------------------------------------------------------ global configuration

    private String global() {
        return switch (word(0)) {
            case "hostname" -> {
                String name = word(1);
                end(2);
                if (!HOSTNAME.matcher(name).matches()) {
                    throw new Refused("% Hostname contains one or more illegal characters.");
                }
                device.config().hostname = name;
                yield "";
            }
            case "interface" -> {
                String name = interfaceName(1);
                IosConfig c = device.config();
                if (!c.interfaces.containsKey(name)) {
                    if (!TUNNEL.matcher(name).matches()) {
                        yield invalid(1);
                    }
                    c.interfaces.put(name, new IosConfig.Interface(name));
                }
                iface = name;
                mode = Mode.INTERFACE;
                yield "";
            }
            case "archive" -> {
                end(1);
                device.config().archive = true;
                mode = Mode.ARCHIVE;
                yield "";
            }
            case "ip" -> {
                if (!word(1).equals("route")) {
                    yield invalid(1);
                }
                yield route(false, false);
            }
            case "ipv6" -> switch (word(1)) {
                case "route" -> route(true, false);
                case "unicast-routing" -> {
                    end(2);
                    yield "";
                }
                default -> invalid(1);
            };
            case "no" -> switch (word(1)) {
                case "interface" -> {
                    String name = interfaceName(2);
                    IosConfig c = device.config();
                    IosConfig.Interface i = c.interfaces.get(name);
                    if (i != null && !i.isTunnel()) {
                        throw new Refused("% Removal of physical interfaces is not permitted");
                    }
                    c.interfaces.remove(name);
                    // IOS drops the static routes that name a deleted interface
                    c.routes.removeIf(r -> name.equals(r.iface()));
                    yield "";
                }
                case "ip" -> word(2).equals("route") ? route(false, true) : invalid(2);
                case "ipv6" -> word(2).equals("route") ? route(true, true) : invalid(2);
                case "hostname" -> {
                    end(2);
                    device.config().hostname = "Router";
                    yield "";
                }
                case "archive" -> {
                    end(2);
                    IosConfig c = device.config();
                    c.archive = false;
                    c.archivePath = null;
                    c.archiveMaximum = null;
                    yield "";
                }
                default -> invalid(1);
            };
            case "end" -> {
                end(1);
                mode = Mode.EXEC;
                yield "";
            }
            case "exit" -> {
                end(1);
                mode = Mode.EXEC;
                yield "";
            }
            case "do" -> doExec();
            default -> invalid(0);
        };
    }

    private String doExec() {
        if (toks.size() < 2) {
            throw new Incomplete();
        }
        Mode was = mode;
        String rest = line.substring(toks.get(1).column());
        int offset = toks.get(1).column();
        line = rest;
        toks = tokens(rest);
        try {
            mode = Mode.EXEC;
            expandFirstWord(Mode.EXEC);
            String out = exec();
            return out;
        } catch (Invalid e) {
            throw new Invalid(e.column + offset);
        } finally {
            mode = was;
        }
    }

    /** {@code [no] ip route P MASK [IFACE] [NEXTHOP] [DISTANCE]} and {@code [no] ipv6 route P/LEN [IFACE] [NEXTHOP]}. */
    private String route(boolean v6, boolean remove) {
        int at = remove ? 3 : 2;
        String prefix;
        String mask = null;
        if (v6) {
            String p = word(at);
            int slash = p.indexOf('/');
            Inet6Address a = slash < 0 ? null : IosConfig.v6(p.substring(0, slash));
            int len = slash < 0 ? -1 : parseInt(p.substring(slash + 1));
            if (a == null || len < 0 || len > 128 || IosConfig.hostBits(a, len)) {
                return invalid(at);
            }
            prefix = IosConfig.ios6(a) + "/" + len;
            at += 1;
        } else {
            Inet4Address a = IosConfig.v4(word(at));
            if (a == null) {
                return invalid(at);
            }
            int len = IosConfig.maskLength(word(at + 1));
            if (len < 0) {
                return invalid(at + 1);
            }
            if (IosConfig.hostBits(a, len)) {
                throw new Refused("%Inconsistent address and mask");
            }
            prefix = word(at);
            mask = word(at + 1);
            at += 2;
        }
        String via = null;
        String nextHop = null;
        if (at < toks.size() && !isAddress(toks.get(at).text(), v6)) {
            via = interfaceName(at);
            if (!device.config().interfaces.containsKey(via)) {
                return invalid(at);
            }
            at += via.startsWith("Tunnel") && toks.get(at).text().equals("Tunnel") ? 2 : 1;
        }
        if (at < toks.size() && isAddress(toks.get(at).text(), v6)) {
            String h = toks.get(at).text();
            nextHop = v6 ? IosConfig.ios6(IosConfig.v6(h)) : h;
            at++;
        }
        if (at < toks.size() && !remove) {
            number(at, 1, 255);
            at++;
        }
        end(at);
        IosConfig c = device.config();
        if (remove) {
            String p = prefix;
            String m = mask;
            String i = via;
            String n = nextHop;
            boolean removed = c.routes.removeIf(r -> r.v6() == v6 && r.prefix().equals(p) && java.util.Objects.equals(r.mask(), m)
                    && (i == null || i.equals(r.iface())) && (n == null || n.equals(r.nextHop())));
            if (!removed) {
                throw new Refused("%No matching route to delete");
            }
            return "";
        }
        if (via == null && nextHop == null) {
            throw new Incomplete();
        }
        IosConfig.Route r = new IosConfig.Route(v6, prefix, mask, via, nextHop);
        if (!c.routes.contains(r)) {
            c.routes.add(r);
        }
        return "";
    }

    // ------------------------------------------------------------------ interface configuration

    private String interfaceOrGlobal() {
        switch (word(0)) {
            case "exit" -> {
                end(1);
                mode = Mode.CONFIG;
                return "";
            }
            case "end" -> {
                end(1);
                mode = Mode.EXEC;
                return "";
            }
            case "do" -> {
                return doExec();
            }
            default -> {
            }
        }
        try {
            return interfaceCommand();
        } catch (Invalid asInterface) {
            String typed = line;
            try {
                toks = tokens(line);
                expandFirstWord(Mode.CONFIG);
                String out = global();
                if (mode == Mode.INTERFACE && !word(0).equals("interface")) {
                    mode = Mode.CONFIG;
                }
                return out;
            } catch (Invalid asGlobal) {
                line = typed;
                throw asInterface.column >= asGlobal.column ? asInterface : asGlobal;
            }
        }
    }

    private String interfaceCommand() {
        IosConfig.Interface i = device.config().interfaces.get(iface);
        if (i == null) {
            throw new Refused("% Interface " + iface + " was deleted");
        }
        boolean no = word(0).equals("no");
        int at = no ? 1 : 0;
        switch (word(at)) {
            case "description" -> {
                if (no) {
                    i.description = null;
                } else {
                    word(at + 1);
                    String text = line.substring(toks.get(at + 1).column()).stripTrailing();
                    if (text.length() > 240) {
                        throw new Invalid(toks.get(at + 1).column() + 240);
                    }
                    i.description = text;
                }
            }
            case "shutdown" -> {
                end(at + 1);
                i.shutdown = !no;
            }
            case "ip" -> ip(i, no, at + 1);
            case "ipv6" -> ipv6(i, no, at + 1);
            case "tunnel" -> {
                if (!i.isTunnel()) {
                    invalid(at);
                }
                tunnel(i, no, at + 1);
            }
            default -> invalid(at);
        }
        return "";
    }

    private void ip(IosConfig.Interface i, boolean no, int at) {
        switch (word(at)) {
            case "address" -> {
                if (no) {
                    i.ipAddress = null;
                    i.ipMask = null;
                    i.secondaries.clear();
                    i.ipDynamic = null;
                    i.leased = null;
                    return;
                }
                if (word(at + 1).equals("dhcp") || word(at + 1).equals("negotiated")) {
                    end(at + 2);
                    i.ipAddress = null;
                    i.ipMask = null;
                    i.secondaries.clear();
                    i.ipDynamic = word(at + 1);
                    return;
                }
                boolean secondary = toks.size() == at + 4 && word(at + 3).equals("secondary");
                Inet4Address a = IosConfig.v4(word(at + 1));
                if (a == null) {
                    invalid(at + 1);
                }
                int len = IosConfig.maskLength(word(at + 2));
                if (len < 0) {
                    invalid(at + 2);
                }
                end(at + (secondary ? 4 : 3));
                if (secondary && i.ipAddress == null) {
                    throw new Refused("% Must configure a primary address before a secondary address");
                }
                if (len < 31 && (!IosConfig.hostBits(a, len) || allOnes(a, len))) {
                    throw new Refused(String.format("Bad mask 0x%08X for address %s", IosConfig.number(word(at + 2)).longValue(),
                            word(at + 1)));
                }
                for (IosConfig.Interface other : device.config().interfaces.values()) {
                    if (other != i && other.ipAddress != null && overlaps(a, len, other.ipAddress, other.ipMask)) {
                        throw new Refused("% " + network(a, len) + " overlaps with " + other.name);
                    }
                }
                if (secondary) {
                    i.secondaries.add(word(at + 1) + " " + word(at + 2));
                } else {
                    i.ipAddress = word(at + 1);
                    i.ipMask = word(at + 2);
                    i.ipDynamic = null;
                    i.leased = null;
                }
            }
            case "mtu" -> {
                if (no) {
                    end(at + 1);
                    i.ipMtu = null;
                } else {
                    i.ipMtu = (int) number(at + 1, 68, 17916);
                    end(at + 2);
                }
            }
            default -> invalid(at);
        }
    }

    private void ipv6(IosConfig.Interface i, boolean no, int at) {
        switch (word(at)) {
            case "address" -> {
                if (no && at + 1 >= toks.size()) {
                    i.ipv6.clear();
                    i.ipv6Autoconfig = false;
                    i.ipv6Learned.clear();
                    return;
                }
                if (word(at + 1).equals("autoconfig")) {
                    end(at + 2);
                    i.ipv6Autoconfig = !no;
                    if (no) {
                        i.ipv6Learned.clear();
                    }
                    return;
                }
                String p = word(at + 1);
                int slash = p.indexOf('/');
                Inet6Address a = slash < 0 ? null : IosConfig.v6(p.substring(0, slash));
                int len = slash < 0 ? -1 : parseInt(p.substring(slash + 1));
                if (a == null || len < 1 || len > 128) {
                    invalid(at + 1);
                }
                end(at + 2);
                String text = IosConfig.ios6(a) + "/" + len;
                if (no) {
                    i.ipv6.remove(text);
                } else if (!i.ipv6.contains(text)) {
                    i.ipv6.add(text);
                }
            }
            case "mtu" -> {
                if (no) {
                    end(at + 1);
                    i.ipv6Mtu = null;
                } else {
                    i.ipv6Mtu = (int) number(at + 1, 1280, 17916);
                    end(at + 2);
                }
            }
            case "enable" -> end(at + 1);
            default -> invalid(at);
        }
    }

    private void tunnel(IosConfig.Interface i, boolean no, int at) {
        switch (word(at)) {
            case "source" -> {
                if (no) {
                    i.source = null;
                    return;
                }
                String s = word(at + 1);
                end(at + 2);
                if (IosConfig.v4(s) != null) {
                    i.source = s;
                } else if (IosConfig.v6(s) != null) {
                    i.source = IosConfig.ios6(IosConfig.v6(s));
                } else if (device.config().interfaces.containsKey(s)) {
                    i.source = s;
                } else {
                    invalid(at + 1);
                }
            }
            case "destination" -> {
                if (no) {
                    i.destination = null;
                    return;
                }
                String d = word(at + 1);
                end(at + 2);
                if (IosConfig.v4(d) != null) {
                    i.destination = d;
                } else if (IosConfig.v6(d) != null) {
                    i.destination = IosConfig.ios6(IosConfig.v6(d));
                } else {
                    invalid(at + 1);
                }
            }
            case "mode" -> {
                if (no) {
                    i.mode = "gre ip";
                    return;
                }
                String m = switch (word(at + 1)) {
                    case "gre" -> switch (word(at + 2)) {
                        case "ip", "ipv6", "multipoint" -> "gre " + word(at + 2);
                        default -> invalid(at + 2);
                    };
                    case "ipip", "ipv6ip", "ipv6" -> word(at + 1);
                    default -> invalid(at + 1);
                };
                end(at + 1 + m.split(" ").length);
                i.mode = m;
            }
            case "key" -> {
                if (no) {
                    i.key = null;
                    return;
                }
                i.key = number(at + 1, 0, 4294967295L);
                end(at + 2);
            }
            default -> invalid(at);
        }
    }

    // ------------------------------------------------------------------ archive configuration

    private String archiveOrGlobal() {
        boolean no = word(0).equals("no");
        int at = no ? 1 : 0;
        IosConfig c = device.config();
        switch (word(at)) {
            case "exit" -> {
                end(1);
                mode = Mode.CONFIG;
                return "";
            }
            case "end" -> {
                end(1);
                mode = Mode.EXEC;
                return "";
            }
            case "do" -> {
                return doExec();
            }
            case "path" -> {
                if (no) {
                    end(at + 1);
                    c.archivePath = null;
                    return "";
                }
                String path = word(at + 1);
                end(at + 2);
                if (!path.matches("[a-z0-9]+:[\\w./$-]+")) {
                    return invalid(at + 1);
                }
                c.archivePath = path;
                return "";
            }
            case "maximum" -> {
                if (no) {
                    end(at + 1);
                    c.archiveMaximum = null;
                    return "";
                }
                if (c.archivePath == null) {
                    throw new Refused("%Archive path must be configured before setting maximum");
                }
                c.archiveMaximum = (int) number(at + 1, 1, 14);
                end(at + 2);
                return "";
            }
            default -> {
                toks = tokens(line);
                expandFirstWord(Mode.CONFIG);
                String out = global();
                if (mode == Mode.ARCHIVE) {
                    mode = Mode.CONFIG;
                }
                return out;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Replaces an abbreviated first word by the one command of this mode it starts, as IOS does. */
    private void expandFirstWord(Mode in) {
        Token first = toks.get(0);
        List<String> words = FIRST_WORDS.get(in);
        if (words.contains(first.text())) {
            return;
        }
        expand(0, words);
    }

    /** Word {@code i}, its abbreviation expanded to the one of {@code options} it starts. */
    private String keyword(int i, String... options) {
        word(i);
        expand(i, List.of(options));
        return toks.get(i).text();
    }

    private void expand(int i, List<String> options) {
        Token t = toks.get(i);
        if (options.contains(t.text())) {
            return;
        }
        List<String> matches = options.stream().filter(w -> w.startsWith(t.text())).toList();
        if (matches.size() > 1) {
            throw new Ambiguous();
        }
        if (matches.size() == 1) {
            List<Token> copy = new ArrayList<>(toks);
            copy.set(i, new Token(matches.get(0), t.column()));
            toks = copy;
        }
    }

    private String interfaceName(int at) {
        String t = word(at);
        if (t.equals("Tunnel") && at + 1 < toks.size()) {
            t = "Tunnel" + toks.get(at + 1).text();
        }
        Matcher abbreviated = INTERFACE_TYPE.matcher(t);
        if (abbreviated.matches()) {
            String type = abbreviated.group(1).toLowerCase(java.util.Locale.ROOT);
            t = ("tunnel".startsWith(type) ? "Tunnel" : "GigabitEthernet") + abbreviated.group(2);
        }
        Matcher m = TUNNEL.matcher(t);
        if (m.matches() && Long.parseLong(m.group(1)) > MAX_TUNNEL) {
            throw new Invalid(toks.get(at).column());
        }
        if (!m.matches() && !device.config().interfaces.containsKey(t)) {
            throw new Invalid(toks.get(at).column());
        }
        return t;
    }

    /** The word at {@code i}; a missing word makes the command incomplete. */
    private String word(int i) {
        if (i >= toks.size()) {
            throw new Incomplete();
        }
        return toks.get(i).text();
    }

    /** Nothing may follow word {@code i - 1}. */
    private void end(int i) {
        if (i < toks.size()) {
            throw new Invalid(toks.get(i).column());
        }
    }

    private long number(int i, long min, long max) {
        String t = word(i);
        try {
            long n = Long.parseLong(t);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new Invalid(toks.get(i).column());
    }

    private String invalid(int i) {
        throw new Invalid(i < toks.size() ? toks.get(i).column() : line.length());
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isAddress(String t, boolean v6) {
        return v6 ? IosConfig.v6(t) != null : IosConfig.v4(t) != null;
    }

    private static boolean allOnes(InetAddress a, int len) {
        long v = new java.math.BigInteger(1, a.getAddress()).longValue();
        long host = (1L << (32 - len)) - 1;
        return (v & host) == host;
    }

    private static String network(Inet4Address a, int len) {
        long v = new java.math.BigInteger(1, a.getAddress()).longValue();
        long m = len == 0 ? 0 : (0xffffffffL << (32 - len)) & 0xffffffffL;
        long n = v & m;
        return ((n >> 24) & 0xff) + "." + ((n >> 16) & 0xff) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private static boolean overlaps(Inet4Address a, int len, String otherAddress, String otherMask) {
        int otherLen = IosConfig.maskLength(otherMask);
        int common = Math.min(len, otherLen);
        return network(a, common).equals(network(IosConfig.v4(otherAddress), common));
    }

    private static List<Token> tokens(String line) {
        List<Token> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\S+").matcher(line);
        while (m.find()) {
            out.add(new Token(m.group(), m.start()));
        }
        return out;
    }

    /** Inserts IOS's pager marker every screenful unless paging is off; the server waits for a key there. */
    private String page(String out) {
        if (length == 0) {
            return out;
        }
        String[] lines = out.split("\n", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i > 0 && i % (length - 1) == 0 && i < lines.length - 1) {
                b.append(" --More-- \n");
            }
            b.append(lines[i]).append(i < lines.length - 1 ? "\n" : "");
        }
        return b.toString();
    }
}
