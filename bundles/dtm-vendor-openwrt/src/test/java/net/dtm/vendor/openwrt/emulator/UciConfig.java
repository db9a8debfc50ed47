package net.dtm.vendor.openwrt.emulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One UCI package (the emulator only has {@code network}): named sections with a type and options,
 * printed as {@code uci show} and as the file {@code /etc/config/network}, and parsed back from
 * that file. Not thread-safe: the device guards it.
 */
final class UciConfig {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");

    static final class Section {
        String type;
        final LinkedHashMap<String, List<String>> options = new LinkedHashMap<>();
        final Set<String> lists = new LinkedHashSet<>();

        Section(String type) {
            this.type = type;
        }

        String get(String option) {
            List<String> v = options.get(option);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    final LinkedHashMap<String, Section> sections = new LinkedHashMap<>();

    UciConfig copy() {
        UciConfig c = new UciConfig();
        sections.forEach((name, s) -> {
            Section n = new Section(s.type);
            s.options.forEach((k, v) -> n.options.put(k, new ArrayList<>(v)));
            n.lists.addAll(s.lists);
            c.sections.put(name, n);
        });
        return c;
    }

    /** Sets a plain option; the section must exist. */
    void set(String section, String option, String value) {
        Section s = sections.get(section);
        s.options.put(option, new ArrayList<>(List.of(value)));
        s.lists.remove(option);
    }

    String show(String pkg) {
        StringBuilder b = new StringBuilder();
        sections.forEach((name, s) -> {
            b.append(pkg).append('.').append(name).append('=').append(s.type).append('\n');
            s.options.forEach((k, v) -> {
                b.append(pkg).append('.').append(name).append('.').append(k).append('=');
                for (int i = 0; i < v.size(); i++) {
                    b.append(i == 0 ? "" : " ").append(quote(v.get(i)));
                }
                b.append('\n');
            });
        });
        return b.toString();
    }

    /** The file as {@code uci commit} writes it. */
    String file() {
        StringBuilder b = new StringBuilder();
        sections.forEach((name, s) -> {
            b.append('\n').append("config ").append(s.type).append(' ').append(quote(name)).append('\n');
            s.options.forEach((k, v) -> {
                for (String value : v) {
                    b.append('\t').append(s.lists.contains(k) ? "list " : "option ").append(k).append(' ')
                            .append(quote(value)).append('\n');
                }
            });
        });
        return b.toString();
    }

    /** {@code uci export}: the file with a package line. */
    String export(String pkg) {
        return "package " + pkg + "\n" + file() + "\n";
    }

    /**
     * Parses a configuration file.
     *
     * @throws IllegalArgumentException with uci's own words when the file is not one
     */
    static UciConfig parseFile(String text) {
        UciConfig c = new UciConfig();
        Section current = null;
        int lineNo = 0;
        int anonymous = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("package ")) {
                continue;
            }
            List<String> words;
            try {
                words = ShellWords.uciWords(t);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("uci: Parse error (" + e.getMessage() + ") at line " + lineNo + ", byte 0");
            }
            switch (words.get(0)) {
                case "config" -> {
                    String name = words.size() > 2 ? words.get(2) : String.format("cfg%06x", ++anonymous);
                    current = new Section(words.get(1));
                    c.sections.put(name, current);
                }
                case "option", "list" -> {
                    if (current == null || words.size() < 3) {
                        throw new IllegalArgumentException("uci: Parse error (invalid command) at line " + lineNo + ", byte 0");
                    }
                    if (words.get(0).equals("list")) {
                        current.options.computeIfAbsent(words.get(1), k -> new ArrayList<>()).add(words.get(2));
                        current.lists.add(words.get(1));
                    } else {
                        current.options.put(words.get(1), new ArrayList<>(List.of(words.get(2))));
                    }
                }
                default -> throw new IllegalArgumentException("uci: Parse error (invalid command) at line " + lineNo + ", byte 0");
            }
        }
        return c;
    }

    static String quote(String v) {
        return "'" + v.replace("'", "'\\''") + "'";
    }

    /** One staged change, as {@code uci changes} prints it. */
    record Delta(char op, String section, String option, String value) {

        String line(String pkg) {
            String path = pkg + "." + section + (option == null ? "" : "." + option);
            return switch (op) {
                case '-' -> "-" + path;
                case '+' -> path + "+=" + quote(value);
                default -> path + "=" + quote(value);
            };
        }

        void applyTo(UciConfig c) {
            switch (op) {
                case '-' -> {
                    if (option == null) {
                        c.sections.remove(section);
                    } else if (c.sections.containsKey(section)) {
                        c.sections.get(section).options.remove(option);
                    }
                }
                case '+' -> {
                    Section s = c.sections.get(section);
                    if (s != null) {
                        s.options.computeIfAbsent(option, k -> new ArrayList<>()).add(value);
                        s.lists.add(option);
                    }
                }
                default -> {
                    if (option == null) {
                        Section s = c.sections.get(section);
                        if (s == null) {
                            c.sections.put(section, new Section(value));
                        } else {
                            s.type = value;
                        }
                    } else if (c.sections.containsKey(section)) {
                        c.set(section, option, value);
                    }
                }
            }
        }
    }

    static UciConfig with(UciConfig base, List<Delta> deltas) {
        UciConfig c = base.copy();
        deltas.forEach(d -> d.applyTo(c));
        return c;
    }

    static Map<String, Section> sectionsOf(UciConfig c) {
        return c.sections;
    }
}
