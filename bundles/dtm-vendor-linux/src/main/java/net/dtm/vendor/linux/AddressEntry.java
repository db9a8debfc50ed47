package net.dtm.vendor.linux;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One address of an interface as {@code ip -j addr show} prints it.
 *
 * @param device       interface name
 * @param address      the local address
 * @param prefixLength its prefix length
 * @param scope        {@code global}, {@code link}, {@code host}...
 */
record AddressEntry(String device, InetAddress address, int prefixLength, String scope) {

    AddressEntry {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(scope, "scope");
    }

    /** True for an address of global scope: the one an intent configures. */
    boolean global() {
        return "global".equals(scope);
    }

    /**
     * Parses the output of {@code ip -j addr show [dev NAME]}: every address of every interface.
     *
     * @throws JsonFields.UnexpectedOutputException if it is not what iproute2 prints
     */
    static List<AddressEntry> parse(String json, String source) {
        List<AddressEntry> out = new ArrayList<>();
        for (Map<String, Object> link : JsonFields.objects(json, source)) {
            String device = JsonFields.requiredString(link, "ifname", source);
            for (Map<String, Object> a : JsonFields.objects(link, "addr_info", source)) {
                // iproute2 prints an empty object for a link whose addresses are filtered out.
                if (!a.containsKey("local")) {
                    continue;
                }
                String family = JsonFields.string(a, "family", source).orElse("");
                InetAddress address = IpSyntax.parseAddress(JsonFields.requiredString(a, "local", source),
                        "inet6".equals(family), source);
                long prefix = JsonFields.requiredInteger(a, "prefixlen", source);
                out.add(new AddressEntry(device, address, (int) prefix, JsonFields.string(a, "scope", source).orElse("global")));
            }
        }
        return out;
    }
}
