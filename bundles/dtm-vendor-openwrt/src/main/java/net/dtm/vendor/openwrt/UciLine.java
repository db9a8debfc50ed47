package net.dtm.vendor.openwrt;

import java.util.regex.Pattern;

/**
 * The only UCI batch lines this adapter writes, built from validated tokens: section and option
 * names of {@code [A-Za-z0-9_]}, values of address and number characters, always single-quoted. A
 * line that does not have exactly this shape is never sent ({@link #isSafe(String)}), so nothing
 * from an intent can reach the device's shell or break out of the batch.
 */
final class UciLine {

    /** The UCI package every line of this adapter changes. */
    static final String PACKAGE = "network";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9.:/_-]*");
    private static final Pattern SAFE = Pattern.compile("set network\\.[A-Za-z0-9_]+=[A-Za-z0-9_]+"
            + "|set network\\.[A-Za-z0-9_]+\\.[A-Za-z0-9_]+='[A-Za-z0-9.:/_-]*'"
            + "|delete network\\.[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)?");

    private UciLine() {
    }

    /** {@code set network.<section>=<type>}: creates the section (or keeps it, with its options). */
    static String section(String section, String type) {
        return "set " + PACKAGE + "." + name(section) + "=" + name(type);
    }

    /** {@code set network.<section>.<option>='<value>'}. */
    static String set(String section, String option, String value) {
        return "set " + PACKAGE + "." + name(section) + "." + name(option) + "='" + value(value) + "'";
    }

    /** {@code delete network.<section>}. */
    static String delete(String section) {
        return "delete " + PACKAGE + "." + name(section);
    }

    /** {@code delete network.<section>.<option>}. */
    static String delete(String section, String option) {
        return "delete " + PACKAGE + "." + name(section) + "." + name(option);
    }

    /** True if {@code line} has one of the shapes above, and nothing else. */
    static boolean isSafe(String line) {
        return line != null && SAFE.matcher(line).matches();
    }

    /** True if {@code s} can be a UCI section or option name. */
    static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    private static String name(String s) {
        if (!isName(s)) {
            throw new IllegalArgumentException("'" + s + "' is not a UCI name (letters, digits and '_' only)");
        }
        return s;
    }

    private static String value(String s) {
        if (s == null || !VALUE.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a value this adapter writes");
        }
        return s;
    }
}
