package net.dtm.vendor.openwrt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One package as {@code uci show <package>} prints it: {@code network.<section>=<type>} and
 * {@code network.<section>.<option>='<value>'} lines, a list option as several quoted values
 * separated by spaces, a quote inside a value as {@code '\''}. Anonymous sections keep their
 * {@code @type[n]} names.
 */
final class UciShow {

    /** One section: its type and options (each a list of values; a plain option has one). */
    record Section(String name, String type, Map<String, List<String>> options) {

        /** The single value of {@code option}, or empty. */
        Optional<String> get(String option) {
            List<String> v = options.get(option);
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
        }
    }

    private final Map<String, Section> sections;

    private UciShow(Map<String, Section> sections) {
        this.sections = sections;
    }

    /**
     * Parses the output of {@code uci show <pkg>}.
     *
     * @throws IllegalArgumentException on a line that is not of that form
     */
    static UciShow parse(String pkg, String output) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> options = new LinkedHashMap<>();
        String prefix = pkg + ".";
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (!line.startsWith(prefix) || eq < 0) {
                throw new IllegalArgumentException("unexpected line in uci show output: " + line);
            }
            String path = line.substring(prefix.length(), eq);
            String value = line.substring(eq + 1);
            int dot = path.indexOf('.', path.startsWith("@") ? path.indexOf(']') : 0);
            if (dot < 0) {
                types.put(path, value);
                options.computeIfAbsent(path, k -> new LinkedHashMap<>());
            } else {
                String section = path.substring(0, dot);
                options.computeIfAbsent(section, k -> new LinkedHashMap<>()).put(path.substring(dot + 1), values(value, line));
            }
        }
        Map<String, Section> sections = new LinkedHashMap<>();
        types.forEach((name, type) -> sections.put(name,
                new Section(name, type, Collections.unmodifiableMap(options.getOrDefault(name, Map.of())))));
        return new UciShow(Collections.unmodifiableMap(sections));
    }

    /** The section named {@code name}, or empty. */
    Optional<Section> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }

    /** Every section, in the order printed. */
    List<Section> sections() {
        return List.copyOf(sections.values());
    }

    private static List<String> values(String text, String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == ' ') {
                i++;
                continue;
            }
            if (text.charAt(i) != '\'') {
                // uci show quotes every value; an unquoted one is taken up to the next space
                int end = text.indexOf(' ', i);
                end = end < 0 ? text.length() : end;
                out.add(text.substring(i, end));
                i = end;
                continue;
            }
            StringBuilder b = new StringBuilder();
            i++;
            while (true) {
                if (i >= text.length()) {
                    throw new IllegalArgumentException("unterminated quote in uci show output: " + line);
                }
                char c = text.charAt(i);
                if (c == '\'') {
                    if (text.startsWith("'\\''", i)) {
                        b.append('\'');
                        i += 4;
                        continue;
                    }
                    i++;
                    break;
                }
                b.append(c);
                i++;
            }
            out.add(b.toString());
        }
        return out;
    }
}
