package net.dtm.shell;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.support.ShellUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of DTM admin commands: one INFO line on logger {@value #LOGGER} per command
 * that changes something, before it runs, naming the operator (the JAAS user of the shell
 * session) and the command line rebuilt from the command's options and arguments, e.g.
 * {@code operator admin ran: pool:delete --force p1}. Secrets never appear: the value of an
 * option or argument named key, password or secret is shown as {@code ***} (a {@code -} that asks
 * for a prompt is shown as is), and control characters are replaced so a value cannot forge a
 * log line.
 */
final class AdminAudit {

    /**
     * The logger the audit lines go to: under Karaf's {@code audit} logger, so they land in
     * {@code data/log/security.log} beside the JAAS login audit (etc/org.ops4j.pax.logging.cfg).
     */
    static final String LOGGER = "audit.dtm";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final Set<String> SECRET_NAMES = Set.of("key", "password", "secret", "passphrase");

    private AdminAudit() {
    }

    /** Logs that {@code operator} runs {@code command}. */
    static void log(String operator, Object command) {
        LOG.info("operator {} ran: {}", clean(operator == null || operator.isBlank() ? "unknown" : operator),
                commandLine(command));
    }

    /** The JAAS user of the current shell session, or null outside one. */
    static String currentOperator() {
        try {
            return ShellUtil.getCurrentUserName();
        } catch (RuntimeException | LinkageError e) {
            return null; // no JAAS subject outside a Karaf session
        }
    }

    /**
     * {@code scope:name} and the options set (long names, in name order; an option left at a
     * default value shows that value) and the arguments (in index order) of {@code command},
     * secrets masked: what the operator typed, give or take quoting, option order and defaults.
     */
    static String commandLine(Object command) {
        Command c = command.getClass().getAnnotation(Command.class);
        StringBuilder line = new StringBuilder(c == null ? command.getClass().getSimpleName() : c.scope() + ":" + c.name());
        Map<String, String> options = new TreeMap<>();
        Map<Integer, String> arguments = new TreeMap<>();
        for (Class<?> k = command.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                Option o = f.getAnnotation(Option.class);
                Argument a = f.getAnnotation(Argument.class);
                if (o == null && a == null) {
                    continue;
                }
                Object value = value(f, command);
                if (o != null) {
                    String name = longName(o);
                    if (value instanceof Boolean b) {
                        if (b) {
                            options.put(name, name);
                        }
                    } else if (value != null) {
                        options.put(name, words(value, isSecret(o.name(), o.aliases())).stream()
                                .map(v -> name + " " + v).reduce((x, y) -> x + " " + y).orElse(name));
                    }
                } else if (value != null) {
                    String name = a.name().equals(Argument.DEFAULT) ? f.getName() : a.name();
                    arguments.put(a.index(), String.join(" ", words(value, isSecret(name))));
                }
            }
        }
        options.values().forEach(v -> line.append(' ').append(v));
        arguments.values().stream().filter(v -> !v.isEmpty()).forEach(v -> line.append(' ').append(v));
        return line.toString();
    }

    private static Object value(Field f, Object command) {
        try {
            f.setAccessible(true);
            return f.get(command);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "?";
        }
    }

    private static String longName(Option o) {
        for (String alias : o.aliases()) {
            if (alias.startsWith("--")) {
                return alias;
            }
        }
        return o.name();
    }

    private static boolean isSecret(String name, String... aliases) {
        List<String> names = new ArrayList<>(List.of(aliases));
        names.add(name);
        return names.stream().map(n -> n.replaceFirst("^-+", "").toLowerCase(Locale.ROOT))
                .anyMatch(n -> SECRET_NAMES.contains(n) || n.endsWith("-password") || n.endsWith("-secret"));
    }

    /** The value as shell words: a collection word by word, each quoted if it has blanks, secrets masked. */
    private static List<String> words(Object value, boolean secret) {
        List<String> out = new ArrayList<>();
        Collection<?> items = value instanceof Collection<?> c ? c : List.of(value);
        for (Object item : items) {
            String s = String.valueOf(item);
            if (secret && !s.equals("-")) {
                out.add("***");
            } else {
                s = clean(s);
                out.add(s.isEmpty() || s.chars().anyMatch(Character::isWhitespace) ? "'" + s.replace("'", "\\'") + "'" : s);
            }
        }
        return out;
    }

    /** Control characters (a newline could forge a log line) replaced by {@code ?}. */
    private static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return b.toString();
    }
}
