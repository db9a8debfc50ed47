package net.dtm.vendor.huaweivrp;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps an intent name to the VRP tunnel interface that carries it: {@code Tunnel0/0/(base + n)}
 * where {@code n} is the number the name ends with ({@code dtm7} → {@code Tunnel0/0/4007} with the
 * default base 4000). The base is the adapter's ({@code tunnel.base} of configuration
 * {@value HuaweiVrpAdapterComponent#PID}), the same for every VRP router, so the behaviours render
 * the real interface name and a restarted core finds the same interface; the interface's
 * description {@code dtm:<name>} tells which intent owns it. A number with leading zeros is
 * refused: {@code dtm07} would share {@code dtm7}'s tunnel.
 */
final class TunnelNumbers {

    /** The base used when the configuration sets none. */
    static final int DEFAULT_BASE = 4000;
    /**
     * Largest tunnel number accepted. Platforms differ (an AR router has fewer tunnels than an NE);
     * a number the device does not have is refused by the device itself and rolled back.
     */
    static final int MAX_NUMBER = 65535;

    private static final Pattern SUFFIX = Pattern.compile("(\\d+)$");

    private final int base;

    /**
     * The numbering from {@code base}.
     *
     * @throws IllegalArgumentException if {@code base} is outside 0..65535
     */
    TunnelNumbers(long base) {
        if (base < 0 || base > MAX_NUMBER) {
            throw new IllegalArgumentException("tunnel.base " + base + " is outside 0.." + MAX_NUMBER);
        }
        this.base = (int) base;
    }

    /** The base of this adapter. */
    int base() {
        return base;
    }

    /** The tunnel number of {@code name}, or empty if it has none. */
    Optional<Integer> number(String name) {
        return suffix(name).map(n -> base + n).filter(n -> n <= MAX_NUMBER);
    }

    /** Why {@code name} has no tunnel number; empty if it has one. */
    Optional<String> problem(String name) {
        if (number(name).isPresent()) {
            return Optional.empty();
        }
        Matcher m = SUFFIX.matcher(name);
        if (!m.find() || m.group(1).length() > 5) {
            return Optional.of("interface name '" + name + "' cannot be mapped to a VRP tunnel: the huawei-vrp adapter builds "
                    + "Tunnel0/0/N with N = tunnel.base (" + base + ") + the number the name ends with, and '" + name
                    + "' ends with no number (1 to 5 digits); use e.g. '" + name.replaceAll("\\d+$", "") + "1'");
        }
        if (m.group(1).length() > 1 && m.group(1).startsWith("0")) {
            return Optional.of("interface name '" + name + "' ends with a number with a leading zero: it would share Tunnel0/0/"
                    + (base + Integer.parseInt(m.group(1))) + " with '" + name.substring(0, m.start(1))
                    + Integer.parseInt(m.group(1)) + "'; use the number without leading zeros");
        }
        return Optional.of("interface name '" + name + "' maps to tunnel number " + (base + Integer.parseInt(m.group(1)))
                + " (tunnel.base " + base + " + " + Integer.parseInt(m.group(1)) + "), above " + MAX_NUMBER);
    }

    /** {@link #problem} as a list, for validation. */
    List<String> problems(String name) {
        return problem(name).map(List::of).orElse(List.of());
    }

    /**
     * The interface of {@code name}, e.g. {@code Tunnel0/0/4007}.
     *
     * @throws IllegalArgumentException if the name cannot be mapped
     */
    String interfaceOf(String name) {
        return VrpSyntax.TUNNEL_PREFIX + number(name).orElseThrow(() -> new IllegalArgumentException(problem(name).orElseThrow()));
    }

    /** True if {@code iface} is the interface {@code name} maps to. */
    boolean isInterfaceOf(String name, String iface) {
        return number(name).map(n -> (VrpSyntax.TUNNEL_PREFIX + n).equals(iface)).orElse(false);
    }

    /** The whole run of digits the name ends with: at most 5, no leading zero (so the number stays in range and is one name's). */
    private static Optional<Integer> suffix(String name) {
        Matcher m = SUFFIX.matcher(name);
        if (!m.find()) {
            return Optional.empty();
        }
        String digits = m.group(1);
        if (digits.length() > 5 || (digits.length() > 1 && digits.startsWith("0"))) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(digits));
    }
}
