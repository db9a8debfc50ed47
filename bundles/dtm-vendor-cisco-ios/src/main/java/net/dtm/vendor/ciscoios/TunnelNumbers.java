package net.dtm.vendor.ciscoios;

import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps an intent name to the IOS interface {@code TunnelN} that carries it: N = base + the name's
 * numeric suffix ({@code dtm7} with base 4000 is {@code Tunnel4007}). The interface's description
 * {@code dtm:<name>} marks it as DTM's, so two names with the same suffix cannot silently share a
 * tunnel: the session's check refuses the second.
 */
final class TunnelNumbers {

    /** Default first tunnel number, away from the low numbers operators use by hand. */
    static final long DEFAULT_BASE = 4000;
    /** Largest IOS tunnel interface number. */
    static final long MAX_TUNNEL = Integer.MAX_VALUE;
    /** The description prefix that marks a DTM tunnel. */
    static final String DESCRIPTION_PREFIX = "dtm:";

    private static final Pattern SUFFIX = Pattern.compile("^(.*\\D)?(\\d+)$");

    private final long base;

    TunnelNumbers(long base) {
        if (base < 0 || base > MAX_TUNNEL) {
            throw new IllegalArgumentException("tunnel.base " + base + " must be 0.." + MAX_TUNNEL);
        }
        this.base = base;
    }

    long base() {
        return base;
    }

    /** The tunnel number of {@code name}, or empty if the name has no numeric suffix or overflows. */
    OptionalLong number(String name) {
        Matcher m = SUFFIX.matcher(name);
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        String digits = m.group(2);
        if (digits.length() > 10 || (digits.length() > 1 && digits.startsWith("0"))) {
            return OptionalLong.empty();
        }
        long n = base + Long.parseLong(digits);
        return n <= MAX_TUNNEL ? OptionalLong.of(n) : OptionalLong.empty();
    }

    /** The interface name, e.g. {@code Tunnel4000}. */
    String interfaceName(String name) {
        OptionalLong n = number(name);
        if (n.isEmpty()) {
            throw new IllegalArgumentException(problem(name));
        }
        return "Tunnel" + n.getAsLong();
    }

    /** Why {@code name} cannot be mapped, or an empty list. */
    List<String> problems(String name) {
        return number(name).isPresent() ? List.of() : List.of(problem(name));
    }

    private String problem(String name) {
        return "interface name '" + name + "' cannot be mapped to an IOS tunnel: it must end in a number without"
                + " leading zeros (for example dtm0 or dtm12), which is added to tunnel.base " + base + " to give Tunnel<N>, at most Tunnel"
                + MAX_TUNNEL;
    }

    /** The description that marks {@code name}'s tunnel. */
    static String description(String name) {
        return DESCRIPTION_PREFIX + name;
    }
}
