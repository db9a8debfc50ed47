package net.dtm.vendor.mikrotik;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import net.dtm.spi.config.ConfigException;

/**
 * The fallback rollback net where safe mode cannot be taken: every object DTM tagged
 * ({@code comment=dtm:...}) in the tunnel menus, and the VTEPs of its VXLAN interfaces, as terse
 * export lines (each of which re-runs as a
 * command). Restoring compares tunnel by tunnel: a tunnel whose objects differ from the snapshot
 * is removed and added again from the snapshot's lines; the others are not touched.
 */
final class TaggedSnapshot {

    private static final String VTEPS = "/interface vxlan vteps";

    /** Menus exported, in the order objects are added (each depends on the ones before). */
    static final List<String> ADD_ORDER = List.of("/interface vxlan", "/interface gre", "/interface ipip",
            "/interface vxlan vteps", "/ip address", "/ipv6 address", "/ip route", "/ipv6 route");

    /** tag → menu → lines. */
    private final Map<String, Map<String, List<String>>> byTag;

    private TaggedSnapshot(Map<String, Map<String, List<String>>> byTag) {
        this.byTag = byTag;
    }

    /** Exports the tagged objects now. */
    static TaggedSnapshot take(RunningStateReader.Exporter exporter) throws ConfigException {
        Map<String, Map<String, List<String>>> byTag = new LinkedHashMap<>();
        List<ExportParser.Entry> all = ExportParser.parse(exporter.export(RunningStateReader.READS));
        Map<String, String> tagOfInterface = new HashMap<>();
        for (ExportParser.Entry e : all) {
            e.get("name").ifPresent(name -> tagOfInterface.put(name, e.get("comment").orElse("")));
        }
        for (ExportParser.Entry e : all) {
            // a VTEP has no comment: it belongs to its interface's tunnel
            String tag = e.menu().equals(VTEPS) ? tagOfInterface.getOrDefault(e.get("interface").orElse(""), "")
                    : e.get("comment").orElse("");
            if (tag.startsWith(RouterOsSyntax.TAG_PREFIX) && ADD_ORDER.contains(e.menu())) {
                byTag.computeIfAbsent(tag, t -> new LinkedHashMap<>())
                        .computeIfAbsent(e.menu(), m -> new ArrayList<>()).add(e.line());
            }
        }
        return new TaggedSnapshot(byTag);
    }

    /** Number of tagged objects held. */
    int size() {
        return byTag.values().stream().mapToInt(m -> m.values().stream().mapToInt(List::size).sum()).sum();
    }

    /** The commands that turn {@code current} back into this snapshot; empty when they agree. */
    List<String> restoreFrom(TaggedSnapshot current) {
        List<String> out = new ArrayList<>();
        Set<String> tags = new TreeSet<>(byTag.keySet());
        tags.addAll(current.byTag.keySet());
        for (String tag : tags) {
            Map<String, List<String>> want = byTag.getOrDefault(tag, Map.of());
            Map<String, List<String>> have = current.byTag.getOrDefault(tag, Map.of());
            if (want.equals(have)) {
                continue;
            }
            List<String> removeOrder = new ArrayList<>(ADD_ORDER);
            java.util.Collections.reverse(removeOrder);
            for (String menu : removeOrder) {
                if (have.containsKey(menu)) {
                    out.add(menu + " remove [find where " + (menu.equals(VTEPS)
                            ? "interface=" + tag.substring(RouterOsSyntax.TAG_PREFIX.length())
                            : "comment=" + RouterOsSyntax.quote(tag)) + "]");
                }
            }
            for (String menu : ADD_ORDER) {
                out.addAll(want.getOrDefault(menu, List.of()));
            }
        }
        return out;
    }
}
