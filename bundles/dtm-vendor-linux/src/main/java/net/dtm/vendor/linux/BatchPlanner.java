package net.dtm.vendor.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.spi.config.ConfigException;

/**
 * Splits the lines of one apply into the programs that run them, keeping their order: consecutive
 * {@code ip ...} lines become one {@code ip -batch -} (fed on standard input without the {@code ip }
 * prefix, no {@code -force}: iproute2 stops at the first error), each {@code wg ...} line one run of
 * {@code wg}, and, when WireGuard runs in user space, each {@code ip link add name NAME type wireguard}
 * one run of {@code wireguard-go NAME}, which creates the interface as a TUN device.
 */
final class BatchPlanner {

    private BatchPlanner() {
    }

    /** One program run of a plan. */
    sealed interface Step permits IpBatch, WgCommand, StartWireGuardGo {
        /** The line numbers (1-based, in the whole apply) this step carries out. */
        List<Integer> lineNumbers();
    }

    /**
     * Consecutive {@code ip} lines.
     *
     * @param lineNumbers line numbers of {@code lines}
     * @param lines       the lines as rendered
     * @param commands    the lines without {@code ip }, as {@code ip -batch} reads them
     */
    record IpBatch(List<Integer> lineNumbers, List<String> lines, List<String> commands) implements Step {
        IpBatch {
            lineNumbers = List.copyOf(lineNumbers);
            lines = List.copyOf(lines);
            commands = List.copyOf(commands);
        }
    }

    /**
     * One {@code wg} line.
     *
     * @param lineNumber its line number
     * @param line       the line as rendered
     * @param args       its words after {@code wg}
     */
    record WgCommand(int lineNumber, String line, List<String> args) implements Step {
        WgCommand {
            args = List.copyOf(args);
        }

        @Override
        public List<Integer> lineNumbers() {
            return List.of(lineNumber);
        }
    }

    /**
     * {@code ip link add name NAME type wireguard} carried out by wireguard-go.
     *
     * @param lineNumber its line number
     * @param line       the line as rendered
     * @param name       the interface name
     */
    record StartWireGuardGo(int lineNumber, String line, String name) implements Step {
        @Override
        public List<Integer> lineNumbers() {
            return List.of(lineNumber);
        }
    }

    /**
     * The plan for {@code lines}; blank lines are skipped.
     *
     * @param userSpaceWireGuard true to run wireguard-go for WireGuard interface creation
     * @throws ConfigException rejected, for a line that is neither an {@code ip} nor a {@code wg} command
     */
    static List<Step> plan(List<String> lines, boolean userSpaceWireGuard) throws ConfigException {
        List<Step> steps = new ArrayList<>();
        List<Integer> batchNumbers = new ArrayList<>();
        List<String> batchLines = new ArrayList<>();
        List<String> batchCommands = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            List<String> words = List.of(line.split("\\s+"));
            String program = words.get(0);
            if ((!program.equals("ip") && !program.equals("wg")) || words.size() < 2) {
                throw new ConfigException("line " + number + " '" + line + "' is not an ip or wg command", true);
            }
            List<String> args = words.subList(1, words.size());
            Optional<String> wireGuardLink = userSpaceWireGuard && program.equals("ip") ? wireGuardLinkAdd(args) : Optional.empty();
            if (program.equals("ip") && wireGuardLink.isEmpty()) {
                batchNumbers.add(number);
                batchLines.add(line);
                batchCommands.add(String.join(" ", args));
                continue;
            }
            flush(steps, batchNumbers, batchLines, batchCommands);
            if (wireGuardLink.isPresent()) {
                steps.add(new StartWireGuardGo(number, line, wireGuardLink.get()));
            } else {
                steps.add(new WgCommand(number, line, args));
            }
        }
        flush(steps, batchNumbers, batchLines, batchCommands);
        return steps;
    }

    /** True if any line creates a WireGuard interface (the plan then depends on where WireGuard runs). */
    static boolean createsWireGuard(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> l.startsWith("ip "))
                .anyMatch(l -> wireGuardLinkAdd(List.of(l.substring(3).strip().split("\\s+"))).isPresent());
    }

    /** The interface an {@code ip} command (without {@code ip}) deletes, if it is {@code link del [dev] NAME}. */
    static Optional<String> deletedLink(String command) {
        List<String> w = List.of(command.strip().split("\\s+"));
        if (w.size() < 3 || !w.get(0).equals("link") || !(w.get(1).equals("del") || w.get(1).equals("delete"))) {
            return Optional.empty();
        }
        if (w.get(2).equals("dev")) {
            return w.size() > 3 ? Optional.of(w.get(3)) : Optional.empty();
        }
        return Optional.of(w.get(2));
    }

    /** The name in {@code link add [name] NAME type wireguard}, if the words are that. */
    private static Optional<String> wireGuardLinkAdd(List<String> w) {
        if (w.size() < 5 || !w.get(0).equals("link") || !w.get(1).equals("add")) {
            return Optional.empty();
        }
        int typeAt = w.indexOf("type");
        if (typeAt < 0 || typeAt + 1 >= w.size() || !w.get(typeAt + 1).equals("wireguard")) {
            return Optional.empty();
        }
        int nameAt = w.get(2).equals("name") ? 3 : 2;
        return nameAt < typeAt ? Optional.of(w.get(nameAt)) : Optional.empty();
    }

    private static void flush(List<Step> steps, List<Integer> numbers, List<String> lines, List<String> commands) {
        if (!numbers.isEmpty()) {
            steps.add(new IpBatch(numbers, lines, commands));
            numbers.clear();
            lines.clear();
            commands.clear();
        }
    }
}
