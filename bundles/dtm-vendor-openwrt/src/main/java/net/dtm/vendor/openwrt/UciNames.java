package net.dtm.vendor.openwrt;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import net.dtm.api.Cidr;

/**
 * How a tunnel's UCI sections are named, which is how DTM recognises its own: the VXLAN interface
 * {@code network.<name>} (netifd names the device after it), the static interface carrying the
 * inner address {@code network.<name>_inner}, and one route section per prefix,
 * {@code network.<name>_r_<prefix>} (IPv4) or {@code network.<name>_r6_<prefix>} (IPv6), with the
 * prefix's dots, colons and slash written as {@code _}, so a route's section follows from the
 * prefix alone and removing one needs no read.
 */
final class UciNames {

    /**
     * The option DTM writes on every section it creates ({@code option dtm_owner '1'}; netifd ignores
     * options it does not know): a section without it is someone else's, whatever its name, and
     * DTM neither lists, reads, changes nor deletes it.
     */
    static final String OWNER = "dtm_owner";
    /** The owner option's value. */
    static final String OWNER_VALUE = "1";
    /** Linux interface names: netifd names the VXLAN device after the section. */
    static final int MAX_NAME = 15;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,15}");
    private static final String INNER = "_inner";

    private UciNames() {
    }

    /** The section of the tunnel interface itself. */
    static String tunnel(String name) {
        return name;
    }

    /** The static interface on top of the tunnel device, with the inner address. */
    static String inner(String name) {
        return name + INNER;
    }

    /** The route section of {@code prefix} through tunnel {@code name}. */
    static String route(String name, Cidr prefix) {
        return name + (prefix.isIpv4() ? "_r_" : "_r6_") + prefix.toString().replaceAll("[.:/]", "_");
    }

    /** True if {@code section} is a route section of tunnel {@code name} by its name. */
    static boolean isRouteOf(String name, String section) {
        return section.startsWith(name + "_r_") || section.startsWith(name + "_r6_");
    }

    /** Problems with {@code name} as an OpenWrt tunnel name; empty when it can be used. */
    static List<String> problems(String name) {
        List<String> problems = new ArrayList<>();
        if (!NAME.matcher(name).matches()) {
            problems.add("interface name '" + name + "' cannot be used on OpenWrt: UCI section names allow 1.."
                    + MAX_NAME + " letters, digits and '_' only");
        } else if (name.contains(INNER) || name.contains("_r_") || name.contains("_r6_")) {
            problems.add("interface name '" + name + "' cannot be used on OpenWrt: '" + INNER
                    + "', '_r_' and '_r6_' name the sections DTM adds to a tunnel");
        }
        return problems;
    }
}
