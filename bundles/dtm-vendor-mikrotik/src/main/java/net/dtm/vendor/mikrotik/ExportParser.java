package net.dtm.vendor.mikrotik;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses RouterOS {@code export} output into its {@code add} entries. Reads the terse form
 * ({@code /interface vxlan add mtu=1400 name=dtm0 ...}, one entry a line) and the default form (a
 * menu line, then {@code add ...} lines wrapped with a trailing {@code \}); skips {@code #} comment
 * lines, blank lines and ANSI colour codes. Keeps no state between calls.
 */
final class ExportParser {

    /**
     * One exported object.
     *
     * @param menu       its menu, e.g. {@code /interface vxlan}
     * @param properties its non-default properties as printed, in order
     * @param line       the entry as one command line (a terse export line re-runs as a command)
     */
    record Entry(String menu, Map<String, String> properties, String line) {
        /** The value of {@code key}, or empty when the export left it out (it has its default). */
        Optional<String> get(String key) {
            return Optional.ofNullable(properties.get(key));
        }
    }

    private ExportParser() {
    }

    /** The {@code add} entries of {@code export}. */
    static List<Entry> parse(String export) {
        List<Entry> out = new ArrayList<>();
        String menu = "";
        for (String logical : logicalLines(Ansi.strip(export))) {
            String line = logical.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String body = line;
            if (line.startsWith("/")) {
                int add = line.indexOf(" add ");
                if (add < 0) {
                    if (line.endsWith(" add")) {
                        continue;
                    }
                    menu = line;
                    continue;
                }
                menu = line.substring(0, add);
                body = line.substring(add + 1);
            }
            if (!body.startsWith("add ") && !body.equals("add")) {
                continue;
            }
            Map<String, String> props = properties(body.substring(3));
            out.add(new Entry(menu, props, menu + " " + body));
        }
        return out;
    }

    /** {@code key=value} pairs, values unquoted and unescaped. */
    static Map<String, String> properties(String text) {
        Map<String, String> props = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String key = text.substring(keyStart, i);
            if (key.isEmpty()) {
                break;
            }
            if (i >= n || text.charAt(i) != '=') {
                props.put(key, "");
                continue;
            }
            i++;
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                while (i < n && text.charAt(i) != '"') {
                    char c = text.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        i++;
                        c = text.charAt(i);
                    }
                    value.append(c);
                    i++;
                }
                i++;
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    value.append(text.charAt(i));
                    i++;
                }
            }
            props.put(key, value.toString());
        }
        return props;
    }

    private static List<String> logicalLines(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text.split("\r?\n|\r")) {
            String line = raw.stripTrailing();
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(current.length() > 0 ? line.stripLeading() : line);
            out.add(current.toString());
            current.setLength(0);
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }
}
