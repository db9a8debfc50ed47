package net.dtm.vendor.huaweivrp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps an intent name to the VRP tunnel interface that carries it: {@code Tunnel0/0/(base + n)}
 * where {@code n} is the number the name ends with ({@code dtm7} → {@code Tunnel0/0/4007} with the
 * default base 4000). The mapping is a pure function of the name and the device's base, so a
 * restarted core finds the same interface; the interface's description {@code dtm:<name>} tells
 * which intent owns it (two names with the same number collide, which the session's check reports).
 */
final class TunnelNumbers {

    /** The base used when the device target sets none. */
    static final int DEFAULT_BASE = 4000;
    /**
     * Largest tunnel number accepted. Platforms differ (an AR router has fewer tunnels than an NE);
     * a number the device does not have is refused by the device itself and rolled back.
     */
    static final int MAX_NUMBER = 65535;

    private static final Pattern SUFFIX = Pattern.compile("(\\d+)$");

    private final int base;

    TunnelNumbers(int base) {
        if (base < 0 || base > MAX_NUMBER) {
            throw new IllegalArgumentException("tunnel.base " + base + " is outside 0.." + MAX_NUMBER);
        }
        this.base = base;
    }

    /** The base of this device. */
    int base() {
        return base;
    }

    /** What is wrong with {@code name} for any base: it must end with a number. */
    static List<String> problems(String name) {
        List<String> p = new ArrayList<>();
        if (suffix(name).isEmpty()) {
            p.add("interface name '" + name + "' cannot be mapped to a VRP tunnel: the huawei-vrp adapter builds Tunnel0/0/N "
                    + "with N = tunnel.base (default " + DEFAULT_BASE + ") + the number the name ends with, and '" + name
                    + "' ends with no number (1 to 5 digits); use e.g. '" + name.replaceAll("\\d+$", "") + "1'");
        }
        return p;
    }

    /** The tunnel number of {@code name}, or empty if it has none on this device. */
    Optional<Integer> number(String name) {
        return suffix(name).map(n -> base + n).filter(n -> n <= MAX_NUMBER);
    }

    /** Why {@code name} has no tunnel number on this device; empty if it has one. */
    Optional<String> problem(String name) {
        if (number(name).isPresent()) {
            return Optional.empty();
        }
        List<String> p = problems(name);
        if (!p.isEmpty()) {
            return Optional.of(p.get(0));
        }
        return Optional.of("interface name '" + name + "' maps to tunnel number " + (base + suffix(name).orElseThrow())
                + " (tunnel.base " + base + " + " + suffix(name).orElseThrow() + "), above " + MAX_NUMBER);
    }

    /**
     * The interface of {@code name}, e.g. {@code Tunnel0/0/4007}.
     *
     * @throws IllegalArgumentException if the name cannot be mapped on this device
     */
    String interfaceOf(String name) {
        return VrpSyntax.TUNNEL_PREFIX + number(name).orElseThrow(() -> new IllegalArgumentException(problem(name).orElseThrow()));
    }

    /** The whole run of digits the name ends with (at most 5 of them, so the number stays in range). */
    private static Optional<Integer> suffix(String name) {
        Matcher m = SUFFIX.matcher(name);
        return m.find() && m.group(1).length() <= 5 ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }
}
