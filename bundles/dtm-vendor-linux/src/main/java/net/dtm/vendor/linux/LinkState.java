package net.dtm.vendor.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One network interface as {@code ip -j -d link show} prints it: what the adapter needs of it.
 *
 * @param name     interface name
 * @param mtu      MTU
 * @param kind     {@code linkinfo.info_kind} ({@code vxlan}, {@code gre}, {@code tun}...); empty for a
 *                 physical interface or loopback
 * @param infoData {@code linkinfo.info_data}: the encapsulation's settings (empty map when absent)
 * @param alias    {@code ifalias}, if set
 */
record LinkState(String name, int mtu, Optional<String> kind, Map<String, Object> infoData, Optional<String> alias) {

    LinkState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        infoData = Map.copyOf(infoData);
        Objects.requireNonNull(alias, "alias");
    }

    /**
     * Parses the output of {@code ip -j -d link show [dev NAME]}.
     *
     * @throws JsonFields.UnexpectedOutputException if it is not what iproute2 prints
     */
    static List<LinkState> parse(String json, String source) {
        List<LinkState> out = new ArrayList<>();
        for (Map<String, Object> link : JsonFields.objects(json, source)) {
            String name = JsonFields.requiredString(link, "ifname", source);
            long mtu = JsonFields.requiredInteger(link, "mtu", source);
            Optional<Map<String, Object>> info = JsonFields.object(link, "linkinfo", source);
            Optional<String> kind = info.flatMap(i -> JsonFields.string(i, "info_kind", source));
            Map<String, Object> data = info.flatMap(i -> JsonFields.object(i, "info_data", source)).orElse(Map.of());
            // Map.copyOf refuses null values; iproute2 prints JSON null only for fields this adapter never reads.
            Map<String, Object> cleaned = new java.util.LinkedHashMap<>();
            data.forEach((k, v) -> {
                if (v != null) {
                    cleaned.put(k, v);
                }
            });
            out.add(new LinkState(name, (int) mtu, kind, cleaned, JsonFields.string(link, "ifalias", source)));
        }
        return out;
    }
}
