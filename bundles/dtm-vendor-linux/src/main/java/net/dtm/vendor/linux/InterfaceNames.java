package net.dtm.vendor.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules Linux puts on an interface name. */
final class InterfaceNames {

    /** {@code IFNAMSIZ} - 1. */
    static final int MAX_LENGTH = 15;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_.-]+");
    /**
     * {@code all} and {@code default} collide with {@code /proc/sys/net/ipv4/conf/{all,default}} and
     * the kernel refuses them; {@code lo} is the loopback interface of every namespace.
     */
    private static final Set<String> RESERVED = Set.of("all", "default", "lo");

    private InterfaceNames() {
    }

    /** Why {@code name} cannot name a Linux tunnel interface, each a sentence; empty when it can. */
    static List<String> problems(String name) {
        List<String> problems = new ArrayList<>();
        if (name == null || name.isEmpty()) {
            problems.add("the interface name is empty");
            return problems;
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_LENGTH) {
            problems.add("interface name '" + name + "' is " + bytes + " bytes long; Linux allows at most " + MAX_LENGTH);
        }
        if (!ALLOWED.matcher(name).matches()) {
            problems.add("interface name '" + name + "' may contain only letters, digits, '_', '.' and '-'");
        }
        if (name.equals(".") || name.equals("..")) {
            problems.add("interface name '" + name + "' is not allowed by Linux");
        }
        if (name.startsWith("-")) {
            problems.add("interface name '" + name + "' must not start with '-' (tools would read it as an option)");
        }
        if (RESERVED.contains(name)) {
            problems.add("interface name '" + name + "' is reserved on Linux (all, default, lo)");
        }
        return problems;
    }
}
