package net.dtm.vendor.mikrotik.emulator;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import net.dtm.api.Cidr;
import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.vendor.mikrotik.emulator.RouterOsModel.CliError;
import net.dtm.vendor.mikrotik.emulator.RouterOsModel.Item;
import net.dtm.vendor.mikrotik.emulator.Tokens.Token;

/**
 * One terminal session on a {@link RouterOsEmulator}: RouterOS's command syntax (menus as words or
 * v7 slash paths, {@code add}, {@code set}, {@code remove} with {@code [find where ...]} or a name,
 * {@code export [terse]}, {@code print}, {@code /ping}, {@code /quit}), its error texts with columns,
 * the prompt with identity, menu path and {@code <SAFE>}, and the safe-mode keys.
 */
final class RouterOsShell implements EmulatedShell {

    private static final String BANNER = String.join("\n",
            "",
            "",
            "  MMM      MMM       KKK                          TTTTTTTTTTT      KKK",
            "  MMMM    MMMM       KKK                          TTTTTTTTTTT      KKK",
            "  MMM MMMM MMM  III  KKK  KKK  RRRRRR     OOOOOO      TTT     III  KKK  KKK",
            "  MMM  MM  MMM  III  KKKKK     RRR  RRR  OOO  OOO     TTT     III  KKKKK",
            "  MMM      MMM  III  KKK KKK   RRRRRR    OOO  OOO     TTT     III  KKK KKK",
            "  MMM      MMM  III  KKK  KKK  RRR  RRR   OOOOOO      TTT     III  KKK  KKK",
            "",
            "  MikroTik RouterOS VERSION (c) 1999-2024       https://www.mikrotik.com/",
            "",
            "Press F1 for help",
            "");

    private final RouterOsEmulator device;
    private final List<String> path = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();
    private boolean asking;
    /** An {@code add} waiting for the required values RouterOS asks for one by one. */
    private String pendingMenu;
    private Map<String, String> pendingProps;
    private final List<String> pendingMissing = new ArrayList<>();
    private boolean ended;
    private boolean quit;

    RouterOsShell(RouterOsEmulator device) {
        this.device = device;
    }

    @Override
    public String banner() {
        synchronized (device) {
            return BANNER.replace("VERSION", device.model().version());
        }
    }

    @Override
    public String prompt() {
        synchronized (device) {
            if (asking) {
                return "Hijacking Safe Mode from someone - unroll/release/don't take it [u/r/d]: ";
            }
            if (!pendingMissing.isEmpty()) {
                return pendingMissing.get(0) + ": ";
            }
            String where = path.isEmpty() ? "" : "/" + String.join("/", path);
            return "[admin@" + device.model().identity() + "] " + where + (device.holds(this) ? "<SAFE> " : "> ");
        }
    }

    @Override
    public String line(String line) {
        synchronized (device) {
            String out;
            if (asking) {
                out = device.hijack(this, line.trim());
            } else if (!pendingMissing.isEmpty()) {
                pendingProps.put(pendingMissing.remove(0), line.trim());
                try {
                    out = pendingMissing.isEmpty() ? add(pendingMenu, pendingProps) : "";
                } catch (CliError e) {
                    out = e.getMessage();
                }
            } else {
                List<String> outputs = new ArrayList<>();
                for (String command : Tokens.commands(line)) {
                    try {
                        outputs.add(run(command));
                    } catch (CliError e) {
                        outputs.add(e.getMessage());
                        break;
                    } catch (Tokens.SyntaxError e) {
                        outputs.add(e.getMessage());
                        break;
                    }
                }
                out = String.join("\n", outputs.stream().filter(o -> !o.isEmpty()).toList());
            }
            return withNotices(out);
        }
    }

    @Override
    public String control(char c) {
        synchronized (device) {
            return switch (c) {
                case '\u0018' -> withNotices(device.ctrlX(this));
                case '\u0003' -> {
                    pendingMissing.clear();
                    asking = false;
                    yield withNotices("");
                }
                case '\u0004' -> {
                    device.ctrlD(this);
                    ended = true;
                    yield "";
                }
                default -> withNotices("");
            };
        }
    }

    @Override
    public boolean ended() {
        synchronized (device) {
            return ended;
        }
    }

    boolean quitCleanly() {
        return quit;
    }

    void asking(boolean on) {
        asking = on;
    }

    /** A message printed before this session's next output. */
    void notice(String text) {
        notices.add(text);
    }

    private String withNotices(String out) {
        if (notices.isEmpty()) {
            return out;
        }
        String n = String.join("\n", notices);
        notices.clear();
        return out.isEmpty() ? n : n + "\n" + out;
    }

    // ------------------------------------------------------------------ commands

    private String run(String line) throws CliError, Tokens.SyntaxError {
        java.util.Optional<String> refused = device.refusalOf(line);
        if (refused.isPresent()) {
            throw new CliError(refused.get());
        }
        List<Token> raw = Tokens.split(line);
        if (raw.isEmpty()) {
            return "";
        }
        List<Token> tokens = new ArrayList<>();
        List<String> menu = new ArrayList<>(path);
        Token first = raw.get(0);
        if (first.text().startsWith("/")) {
            menu.clear();
            int col = first.column() + 1;
            for (String word : first.text().substring(1).split("/", -1)) {
                if (!word.isEmpty()) {
                    tokens.add(new Token(word, col));
                }
                col += word.length() + 1;
            }
            tokens.addAll(raw.subList(1, raw.size()));
        } else {
            tokens.addAll(raw);
        }
        int i = 0;
        while (i < tokens.size() && isMenu(menuOf(menu, tokens.get(i).text()))) {
            menu.add(tokens.get(i).text());
            i++;
        }
        String where = menu.isEmpty() ? "/" : "/" + String.join(" ", menu);
        if (i == tokens.size()) {
            path.clear();
            path.addAll(menu);
            return "";
        }
        Token command = tokens.get(i);
        List<Token> args = tokens.subList(i + 1, tokens.size());
        return switch (where + "|" + command.text()) {
            case "/|quit" -> {
                ended = true;
                quit = true;
                yield "interrupted";
            }
            case "/|ping" -> ping(args);
            case "/system identity|set" -> identity(args);
            case "/system identity|print" -> "  name: " + device.model().identity();
            case "/system resource|print" -> resource(args);
            case "/system history|print" -> history();
            default -> {
                boolean items = RouterOsModel.MENUS.contains(where);
                String c = command.text();
                if (c.equals("export")) {
                    yield export(where, args);
                } else if (items && c.equals("add") && !where.equals(RouterOsModel.ETHERNET)) {
                    yield add(where, args);
                } else if ((items || where.equals("/interface")) && c.equals("set")) {
                    yield set(where, args);
                } else if (items && c.equals("remove") && !where.equals(RouterOsModel.ETHERNET)) {
                    yield remove(where, args);
                } else if ((items || where.equals("/interface")) && c.equals("print")) {
                    yield print(where, args);
                }
                throw new CliError("bad command name " + c + " (line 1 column " + command.column() + ")");
            }
        };
    }

    private String add(String menu, List<Token> args) throws CliError {
        Map<String, String> props = properties(menu, args, false);
        for (RouterOsModel.Prop p : RouterOsModel.SCHEMAS.get(menu).values()) {
            if (p.required() && !props.containsKey(p.name())) {
                pendingMissing.add(p.name());
            }
        }
        if (!pendingMissing.isEmpty()) {
            // RouterOS asks for each required value it was not given, with the value's name as prompt.
            pendingMenu = menu;
            pendingProps = props;
            return "";
        }
        return add(menu, props);
    }

    private String add(String menu, Map<String, String> props) throws CliError {
        Item item = device.model().add(menu, props);
        return device.changed(menu + " add " + device.model().properties(item));
    }

    private String set(String menu, List<Token> args) throws CliError {
        if (args.isEmpty()) {
            throw new CliError("failure: no item specified");
        }
        List<Item> targets = target(menu, args.get(0));
        Map<String, String> props = properties(menu, args.subList(1, args.size()), true);
        for (Item item : targets) {
            for (String key : props.keySet()) {
                if (!RouterOsModel.SCHEMAS.get(item.menu).containsKey(key)) {
                    throw new CliError("failure: " + key + " cannot be set on " + item.get("name"));
                }
            }
            device.model().set(item, props);
            device.changed(item.menu + " set " + item.id + " " + props);
        }
        return "";
    }

    private String remove(String menu, List<Token> args) throws CliError {
        if (args.size() != 1) {
            throw new CliError(args.isEmpty() ? "failure: no item specified"
                    : "expected end of command (line 1 column " + args.get(1).column() + ")");
        }
        for (Item item : target(menu, args.get(0))) {
            device.model().remove(item);
            device.changed(item.menu + " remove " + item.id);
        }
        return "";
    }

    private String export(String menu, List<Token> args) throws CliError {
        boolean terse = false;
        boolean verbose = false;
        for (Token t : args) {
            switch (t.text()) {
                case "terse" -> terse = true;
                case "verbose" -> verbose = true;
                case "compact", "hide-sensitive", "show-sensitive" -> {
                }
                default -> throw new CliError("expected end of command (line 1 column " + t.column() + ")");
            }
        }
        return device.model().export(menu, terse, verbose).stripTrailing();
    }

    private String print(String menu, List<Token> args) throws CliError {
        boolean terse = false;
        for (Token t : args) {
            if (!t.text().equals("without-paging") && !t.text().equals("detail") && !t.text().equals("terse")) {
                throw new CliError("expected end of command (line 1 column " + t.column() + ")");
            }
            terse |= t.text().equals("terse");
        }
        List<Item> list = device.model().find(menu, x -> true);
        if (terse) {
            // no header: one line an item, number, flags, properties (dynamic ones included)
            return device.model().printTerse(list).stripTrailing();
        }
        StringBuilder b = new StringBuilder("Flags: X - disabled, D - dynamic\n");
        int n = 0;
        for (Item i : list) {
            b.append(String.format("%2d %-2s %s%n", n++, i.flags(), device.model().properties(i)));
        }
        return b.toString().stripTrailing();
    }

    /** {@code /system resource print}, the lines that matter here. */
    private String resource(List<Token> args) throws CliError {
        for (Token t : args) {
            if (!t.text().equals("without-paging")) {
                throw new CliError("expected end of command (line 1 column " + t.column() + ")");
            }
        }
        return String.join("\n",
                "                   uptime: 1w2d3h4m5s",
                "                  version: " + device.model().version() + " (stable)",
                "               build-time: 2024-10-10 10:10:10",
                "               free-memory: 1803.2MiB",
                "                cpu-count: 4",
                "            board-name: CCR2004-1G-12S+2XS",
                "                 platform: MikroTik");
    }

    private String identity(List<Token> args) throws CliError {
        Map<String, String> props = new LinkedHashMap<>();
        for (Token t : args) {
            int eq = t.text().indexOf('=');
            if (eq < 0 || !t.text().substring(0, eq).equals("name")) {
                throw new CliError("expected end of command (line 1 column " + t.column() + ")");
            }
            props.put("name", Tokens.unquote(t.text().substring(eq + 1)));
        }
        String name = props.getOrDefault("name", "");
        if (name.isEmpty()) {
            throw new CliError("failure: identity must not be empty");
        }
        device.model().identity(name);
        return device.changed("/system identity set name=" + name);
    }

    private String history() {
        StringBuilder b = new StringBuilder("Flags: U - undoable, R - redoable, F - floating-undo\n");
        device.safeLog().forEach(l -> b.append("F ").append(l).append('\n'));
        return b.toString().stripTrailing();
    }

    private String ping(List<Token> args) throws CliError {
        String address = null;
        String itf = null;
        int count = 4;
        for (Token t : args) {
            String s = t.text();
            int eq = s.indexOf('=');
            String key = eq < 0 ? "address" : s.substring(0, eq);
            String value = Tokens.unquote(eq < 0 ? s : s.substring(eq + 1));
            switch (key) {
                case "address" -> address = value;
                case "interface" -> itf = value;
                case "count" -> count = Integer.parseInt(value);
                default -> throw new CliError("expected end of command (line 1 column " + t.column() + ")");
            }
        }
        if (address == null || !RouterOsModel.isIp(address)) {
            throw new CliError("invalid value for argument address");
        }
        InetAddress peer = Cidr.parseLiteral(address);
        boolean answers = itf != null && device.model().reachableOver(itf, peer);
        StringBuilder b = new StringBuilder("  SEQ HOST                                     SIZE TTL TIME       STATUS\n");
        for (int s = 0; s < count; s++) {
            b.append(String.format("    %d %-40s %s%n", s, address, answers ? "56  64 1ms" : "          timeout"));
        }
        b.append(String.format("    sent=%d received=%d packet-loss=%d%%", count, answers ? count : 0, answers ? 0 : 100));
        return b.toString();
    }

    // ------------------------------------------------------------------ arguments

    private static Map<String, String> properties(String menu, List<Token> args, boolean generic) throws CliError {
        Map<String, String> props = new LinkedHashMap<>();
        for (Token t : args) {
            String s = t.text();
            int eq = s.indexOf('=');
            String key = eq < 0 ? s : s.substring(0, eq);
            boolean known = generic && menu.equals("/interface")
                    ? List.of("mtu", "name", "disabled", "comment").contains(key)
                    : RouterOsModel.SCHEMAS.getOrDefault(menu, Map.of()).containsKey(key);
            if (eq < 0 || !known) {
                throw new CliError("expected end of command (line 1 column " + t.column() + ")");
            }
            props.put(key, Tokens.unquote(s.substring(eq + 1)));
        }
        return props;
    }

    /** The items a {@code set}/{@code remove} target names: {@code [find ...]}, a name or an id. */
    private List<Item> target(String menu, Token t) throws CliError {
        String s = t.text();
        RouterOsModel model = device.model();
        if (s.startsWith("[") && s.endsWith("]")) {
            return model.find(menu, condition(menu, s.substring(1, s.length() - 1), t.column() + 1));
        }
        if (s.contains("=")) {
            throw new CliError("failure: no item specified");
        }
        List<Item> named = model.find(menu, i -> i.get("name").equals(s) || i.id.equals(s));
        if (named.isEmpty()) {
            throw new CliError("no such item");
        }
        return named;
    }

    private Predicate<Item> condition(String menu, String text, int column) throws CliError {
        List<Token> tokens;
        try {
            tokens = Tokens.split(text);
        } catch (Tokens.SyntaxError e) {
            throw new CliError("syntax error (line 1 column " + (column + e.column - 1) + ")");
        }
        if (tokens.isEmpty() || !tokens.get(0).text().equals("find")) {
            throw new CliError("bad command name " + (tokens.isEmpty() ? "" : tokens.get(0).text()) + " (line 1 column "
                    + column + ")");
        }
        Predicate<Item> all = i -> true;
        for (Token c : tokens.subList(1, tokens.size())) {
            String s = c.text();
            if (s.equals("where") || s.equals("and")) {
                continue;
            }
            java.util.regex.Matcher m = Pattern.compile("([a-z.-]+)(!=|=|~)(.*)").matcher(s);
            if (!m.matches() || !known(menu, m.group(1))) {
                throw new CliError("expected end of command (line 1 column " + (column + c.column() - 1) + ")");
            }
            String key = m.group(1);
            String op = m.group(2);
            String value = Tokens.unquote(m.group(3));
            Predicate<Item> p = switch (op) {
                case "=" -> i -> effective(i, key).equals(value);
                case "!=" -> i -> !effective(i, key).equals(value);
                default -> {
                    Pattern regex = Pattern.compile(value);
                    yield i -> regex.matcher(effective(i, key)).find();
                }
            };
            all = all.and(p);
        }
        return all;
    }

    private static boolean known(String menu, String key) {
        if (key.equals(".id")) {
            return true;
        }
        List<String> menus = menu.equals("/interface") ? RouterOsModel.INTERFACE_MENUS : List.of(menu);
        return menus.stream().anyMatch(m -> RouterOsModel.SCHEMAS.get(m).containsKey(key));
    }

    private String effective(Item i, String key) {
        if (key.equals(".id")) {
            return i.id;
        }
        String v = i.props.get(key);
        if (v != null) {
            return v;
        }
        RouterOsModel.Prop p = RouterOsModel.SCHEMAS.get(i.menu).get(key);
        String dflt = p == null ? null : device.model().dflt(i.menu, p);
        return dflt == null ? "" : dflt;
    }

    private static String menuOf(List<String> menu, String word) {
        return "/" + String.join(" ", menu) + (menu.isEmpty() ? "" : " ") + word;
    }

    private static boolean isMenu(String menu) {
        return RouterOsModel.MENUS.contains(menu) || RouterOsModel.GROUPS.contains(menu)
                || menu.equals("/system history") || menu.equals("/system resource");
    }
}
