package net.dtm.vendor.huaweivrp.emulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import net.dtm.config.ssh.testkit.EmulatedShell;
import net.dtm.vendor.huaweivrp.emulator.CommandLine.Refusal;

/**
 * One CLI session on a {@link VrpEmulator}: user view {@code <name>}, {@code system-view} to
 * {@code [~name]} ({@code [*name]} while this session's candidate holds changes), interface views
 * {@code [~name-Tunnel0/0/4000]}, {@code quit}/{@code return}; the candidate is kept as the lines
 * typed and replayed on the running configuration, so changes other sessions commit meanwhile
 * show through; while a trial commit runs, the system views show {@code *} as VRP's do. Paging is on until {@code screen-length 0 temporary} (a user-view command): an
 * output longer than a screen carries a {@code ---- More ----} line after every screenful, where
 * the SSH server stops and waits for a key. Leaving the system view with
 * uncommitted changes asks VRP's Y/N/C question, {@code abort trial} a Y/N one: a question is
 * the prompt until it is answered.
 */
final class VrpEmulatorShell implements EmulatedShell {

    static final int PAGE_LINES = 24;
    static final String MORE = "  ---- More ----";
    static final String EXIT_QUESTION = "Warning: Uncommitted configurations found. Are you sure to commit them before exiting? "
            + "[Y(yes)/N(no)/C(cancel)]:";
    /** The question of {@code abort trial} (its wording is this emulator's; VRP asks before it rolls a trial back). */
    static final String ABORT_QUESTION = "Warning: The trial configuration will be rolled back. Continue? [Y/N]:";

    private enum View { USER, SYSTEM, INTERFACE }

    private record Op(String iface, String line) {
    }

    private final VrpEmulator device;
    private final int id;
    private View view = View.USER;
    private String iface = "";
    private final List<Op> ops = new ArrayList<>();
    private boolean paging = true;
    private String question;
    private boolean ended;
    private boolean dropped;

    VrpEmulatorShell(VrpEmulator device, int id) {
        this.device = device;
        this.id = id;
    }

    @Override
    public String banner() {
        return "\nInfo: The max number of VTY users is 21, the number of current VTY users online is " + id + ".";
    }

    @Override
    public String prompt() {
        synchronized (device) {
            if (question != null) {
                return question;
            }
            String name = device.running().sysname;
            return switch (view) {
                case USER -> "<" + name + ">";
                case SYSTEM -> "[" + marker() + name + "]";
                case INTERFACE -> "[" + marker() + name + "-" + iface + "]";
            };
        }
    }

    private String marker() {
        return !device.twoStage() ? "" : ops.isEmpty() && !device.trialRunning() ? "~" : "*";
    }

    @Override
    public String line(String text) {
        synchronized (device) {
            int promptLength = prompt().length();
            device.received(id, text);
            if (dropped) {
                return "";
            }
            if (question != null) {
                return answer(text.strip());
            }
            return page(handle(new CommandLine(text), promptLength));
        }
    }

    @Override
    public boolean ended() {
        synchronized (device) {
            return ended;
        }
    }

    /** The SSH session ended: the uncommitted candidate is gone (a trial timer keeps running). */
    void drop() {
        if (!ops.isEmpty()) {
            device.event("session " + id + " ended with " + ops.size() + " uncommitted line(s): candidate discarded");
        }
        ops.clear();
        dropped = true;
        ended = true;
    }

    // ------------------------------------------------------------------ dispatch

    private String handle(CommandLine l, int promptLength) {
        if (l.size() == 0) {
            return "";
        }
        if (l.startsWith("display")) {
            return display(l, promptLength);
        }
        if (l.startsWith("ping")) {
            return ping(l, promptLength);
        }
        if (view == View.USER) {
            return user(l, promptLength);
        }
        if (l.startsWith("quit")) {
            if (view == View.INTERFACE) {
                view = View.SYSTEM;
                return "";
            }
            return leave();
        }
        if (l.startsWith("return")) {
            return leave();
        }
        if (device.twoStage()) {
            Optional<String> meta = commitCommands(l, promptLength);
            if (meta.isPresent()) {
                return meta.get();
            }
        }
        if (l.startsWith("interface")) {
            VrpModel m = candidate();
            boolean existed = l.size() > 1 && VrpCommands.interfaceName(l, 1).map(n -> m.interfaces.containsKey(n[0])).orElse(false);
            VrpCommands.Named n = VrpCommands.enterInterface(m, l, 1);
            if (n.refusal().isPresent()) {
                return n.refusal().get().render(promptLength);
            }
            if (!existed) {
                change(new Op("", l.text.strip()));
            }
            view = View.INTERFACE;
            iface = n.name();
            return "";
        }
        VrpModel m = candidate();
        Optional<Refusal> r = view == View.SYSTEM ? VrpCommands.system(m, l) : VrpCommands.inInterface(m, iface, l);
        if (r.isPresent()) {
            return r.get().render(promptLength);
        }
        change(new Op(view == View.SYSTEM ? "" : iface, l.text.strip()));
        if (view == View.INTERFACE && !candidate().interfaces.containsKey(iface)) {
            view = View.SYSTEM;
        }
        return "";
    }

    private void change(Op op) {
        ops.add(op);
        if (!device.twoStage()) {
            device.commit(Optional.of(candidate()), Optional.empty());
            ops.clear();
        }
    }

    private String user(CommandLine l, int promptLength) {
        if (l.startsWith("system-view")) {
            if (l.size() > 1) {
                return l.tooMany(1).render(promptLength);
            }
            view = View.SYSTEM;
            return device.twoStage() ? "Enter system view, return user view with return command." : "Enter system view, return user view with Ctrl+Z.";
        }
        if (l.startsWith("screen-length")) {
            if (l.size() < 3) {
                return l.incomplete().render(promptLength);
            }
            if (!l.word(1).matches("\\d{1,3}") || Integer.parseInt(l.word(1)) > 512) {
                return l.wrong(1).render(promptLength);
            }
            if (!l.word(2).equalsIgnoreCase("temporary")) {
                return l.wrong(2).render(promptLength);
            }
            paging = Integer.parseInt(l.word(1)) != 0;
            return "Info: The configuration takes effect on the current user terminal interface only.";
        }
        if (l.startsWith("undo", "screen-length", "temporary")) {
            paging = true;
            return "";
        }
        if (l.startsWith("quit")) {
            ended = true;
            return "";
        }
        return l.unrecognized(0).render(promptLength);
    }

    private Optional<String> commitCommands(CommandLine l, int promptLength) {
        if (l.startsWith("commit")) {
            if (l.size() == 1) {
                Optional<VrpModel> c = ops.isEmpty() ? Optional.empty() : Optional.of(candidate());
                ops.clear();
                return Optional.of(device.commit(c, Optional.empty()));
            }
            if (!l.word(1).equalsIgnoreCase("trial")) {
                return Optional.of(l.wrong(1).render(promptLength));
            }
            long seconds = 600;
            if (l.size() > 2) {
                if (!l.word(2).matches("\\d{1,5}") || Long.parseLong(l.word(2)) < 60 || Long.parseLong(l.word(2)) > 65535) {
                    return Optional.of(l.wrong(2).render(promptLength));
                }
                seconds = Long.parseLong(l.word(2));
            }
            if (l.size() > 3) {
                return Optional.of(l.tooMany(3).render(promptLength));
            }
            Optional<VrpModel> c = ops.isEmpty() ? Optional.empty() : Optional.of(candidate());
            String out = device.commit(c, Optional.of(seconds));
            if (!out.startsWith("Error:")) {
                ops.clear();
            }
            return Optional.of(out);
        }
        if (l.startsWith("abort")) {
            if (!l.word(1).equalsIgnoreCase("trial")) {
                return Optional.of(l.size() == 1 ? l.incomplete().render(promptLength) : l.wrong(1).render(promptLength));
            }
            if (l.size() > 2) {
                return Optional.of(l.tooMany(2).render(promptLength));
            }
            if (!device.trialRunning()) {
                return Optional.of("Error: No trial commit exists.");
            }
            question = ABORT_QUESTION;
            return Optional.of("");
        }
        if (l.startsWith("clear", "configuration", "candidate")) {
            ops.clear();
            return Optional.of("");
        }
        return Optional.empty();
    }

    private String leave() {
        if (!ops.isEmpty()) {
            question = EXIT_QUESTION;
            return "";
        }
        view = View.USER;
        return "";
    }

    /** The answer to the question asked: a question is the prompt until it is answered. */
    private String answer(String answer) {
        String a = answer.toUpperCase(Locale.ROOT);
        if (question.equals(ABORT_QUESTION)) {
            if (!a.equals("Y") && !a.equals("N")) {
                return "";
            }
            question = null;
            return a.equals("Y") ? device.abortTrial() : "";
        }
        switch (a) {
            case "Y" -> {
                question = null;
                String out = device.commit(Optional.of(candidate()), Optional.empty());
                ops.clear();
                view = View.USER;
                return out;
            }
            case "N" -> {
                question = null;
                ops.clear();
                view = View.USER;
                return "";
            }
            case "C" -> {
                question = null;
                return "";
            }
            default -> {
                return "";
            }
        }
    }

    /** The running configuration with this session's lines replayed on it. */
    private VrpModel candidate() {
        VrpModel m = device.running().copy();
        for (Op op : ops) {
            CommandLine l = new CommandLine(op.line());
            if (!op.iface().isEmpty()) {
                VrpCommands.inInterface(m, op.iface(), l);
            } else if (l.startsWith("interface")) {
                VrpCommands.enterInterface(m, l, 1);
            } else {
                VrpCommands.system(m, l);
            }
        }
        return m;
    }

    // ------------------------------------------------------------------ display and ping

    private String display(CommandLine whole, int promptLength) {
        String text = whole.text;
        String filter = "";
        int bar = text.indexOf(" | ");
        if (bar >= 0) {
            filter = text.substring(bar + 3).strip();
            text = text.substring(0, bar);
        }
        CommandLine l = new CommandLine(text);
        String out;
        if (l.startsWith("display", "current-configuration")) {
            VrpModel running = device.running();
            if (l.size() == 2) {
                out = running.render();
            } else if (l.startsWith("display", "current-configuration", "interface")) {
                if (l.size() == 3) {
                    out = running.renderInterfaces(n -> true);
                } else {
                    Optional<String[]> name = VrpCommands.interfaceName(l, 3);
                    String type = l.word(3).toLowerCase(Locale.ROOT);
                    if (name.isPresent()) {
                        if (!running.interfaces.containsKey(name.get()[0])) {
                            return l.wrong(3).render(promptLength);
                        }
                        out = running.renderInterfaces(n -> n.equals(name.get()[0]));
                    } else if (l.size() == 4 && Arrays.asList("tunnel", "gigabitethernet", "loopback").contains(type)) {
                        out = running.renderInterfaces(n -> n.toLowerCase(Locale.ROOT).startsWith(type));
                    } else {
                        return l.wrong(3).render(promptLength);
                    }
                }
            } else {
                return l.wrong(2).render(promptLength);
            }
        } else if (l.startsWith("display", "ip", "interface", "brief")) {
            out = interfaceBrief(device.running());
        } else if (l.startsWith("display", "configuration", "commit", "list")) {
            out = device.commitList();
        } else if (l.startsWith("display", "configuration", "candidate", "changes")) {
            if (view == View.USER || !device.twoStage()) {
                return l.unrecognized(2).render(promptLength);
            }
            out = ops.isEmpty() ? "" : candidate().changesFrom(device.running());
        } else {
            return l.unrecognized(l.size() > 1 ? 1 : 0).render(promptLength);
        }
        return filter.isEmpty() ? out : filter(out, filter, promptLength + bar + 3);
    }

    /** {@code display ip interface brief}: every interface with its IPv4 address and state (tunnels up when complete). */
    private static String interfaceBrief(VrpModel m) {
        StringBuilder b = new StringBuilder("*down: administratively down\n^down: standby\n(l): loopback\n(s): spoofing\n\n");
        b.append(String.format("%-34s%-21s%-11s%-9s%s%n", "Interface", "IP Address/Mask", "Physical", "Protocol", "VPN"));
        for (VrpModel.Iface i : m.interfaces.values()) {
            String a = !i.address.isEmpty() ? i.address : i.leased;
            String address = a.isEmpty() ? "unassigned" : a + "/" + Long.bitCount(VrpCommands.ipv4(i.mask).orElseThrow()[0]);
            boolean complete = !i.tunnel() || (!i.protocol.equals("none") && !i.source.isEmpty() && !i.destination.isEmpty());
            String physical = i.shutdown ? "*down" : "up";
            String protocol = i.shutdown || !complete ? "down" : "up";
            b.append(String.format("%-34s%-21s%-11s%-9s%s%n", i.name, address, physical, protocol, "--"));
        }
        return b.toString().stripTrailing();
    }

    private static String filter(String out, String filter, int column) {
        String[] f = filter.split("\\s+", 2);
        if (f.length < 2) {
            return " ".repeat(column + filter.length()) + "^\nError: Incomplete command found at '^' position.";
        }
        Pattern p;
        try {
            p = Pattern.compile(f[1]);
        } catch (PatternSyntaxException e) {
            return "Error: Invalid regular expression.";
        }
        List<String> lines = Arrays.asList(out.split("\n"));
        return switch (f[0]) {
            case "include" -> String.join("\n", lines.stream().filter(x -> p.matcher(x).find()).toList());
            case "exclude" -> String.join("\n", lines.stream().filter(x -> !p.matcher(x).find()).toList());
            case "begin" -> {
                int i = 0;
                while (i < lines.size() && !p.matcher(lines.get(i)).find()) {
                    i++;
                }
                yield String.join("\n", lines.subList(i, lines.size()));
            }
            default -> " ".repeat(column) + "^\nError: Unrecognized command found at '^' position.";
        };
    }

    private String ping(CommandLine l, int promptLength) {
        String source = "";
        int count = 5;
        int i = 1;
        while (i < l.size() - 1 && l.word(i).startsWith("-")) {
            switch (l.word(i)) {
                case "-a" -> source = l.word(i + 1);
                case "-c" -> count = l.word(i + 1).matches("\\d{1,4}") ? Integer.parseInt(l.word(i + 1)) : -1;
                case "-t" -> {
                    // the emulator answers at once
                }
                default -> {
                    return l.wrong(i).render(promptLength);
                }
            }
            if (count < 1) {
                return l.wrong(i + 1).render(promptLength);
            }
            i += 2;
        }
        if (i != l.size() - 1 || VrpCommands.ipv4(l.word(i)).isEmpty()) {
            return l.size() <= i ? l.incomplete().render(promptLength) : l.wrong(i).render(promptLength);
        }
        String host = l.word(i);
        boolean answers = answers(source, host);
        StringBuilder b = new StringBuilder("  PING " + host + ": 56  data bytes, press CTRL_C to break\n");
        for (int n = 1; n <= count; n++) {
            b.append(answers ? "    Reply from " + host + ": bytes=56 Sequence=" + n + " ttl=255 time=1 ms\n" : "    Request time out\n");
        }
        b.append("\n  --- ").append(host).append(" ping statistics ---\n    ").append(count).append(" packet(s) transmitted\n    ")
                .append(answers ? count : 0).append(" packet(s) received\n    ").append(answers ? "0.00" : "100.00").append("% packet loss");
        return b.toString();
    }

    /** A complete, up tunnel whose inner prefix holds {@code host} (the emulator plays the far end). */
    private boolean answers(String source, String host) {
        long h = VrpCommands.ipv4(host).orElseThrow()[0];
        for (VrpModel.Iface t : device.running().interfaces.values()) {
            if (!t.tunnel() || t.shutdown || t.address.isEmpty() || t.protocol.equals("none") || t.source.isEmpty()
                    || t.destination.isEmpty() || (!source.isEmpty() && !source.equals(t.address))) {
                continue;
            }
            long mask = VrpCommands.ipv4(t.mask).orElseThrow()[0];
            long a = VrpCommands.ipv4(t.address).orElseThrow()[0];
            if ((a & mask) == (h & mask) && a != h) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ paging

    /**
     * With paging on, a {@code ---- More ----} line after every screenful: the SSH server stops
     * there and waits for a key, as the device does.
     */
    private String page(String out) {
        List<String> lines = Arrays.asList(out.split("\n", -1));
        if (!paging || lines.size() <= PAGE_LINES) {
            return out;
        }
        List<String> paged = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0 && i % PAGE_LINES == 0) {
                paged.add(MORE);
            }
            paged.add(lines.get(i));
        }
        return String.join("\n", paged);
    }
}
