package net.dtm.testkit.upgrade;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.dtm.testkit.cluster.History;
import net.dtm.testkit.cluster.History.Event;
import net.dtm.testkit.cluster.History.Kind;

/**
 * The upgrade tests' address check: every answer a device received (establishment or renewal)
 * must carry the address of its first one. One line per change: device, the address it had, the
 * address it was told, when, and the phase (which upgrade step) it happened in.
 */
public final class AddressChanges {

    private AddressChanges() {
    }

    /** Every change of address in {@code history}, in the order they happened. */
    public static List<String> of(History history) {
        Map<String, String> first = new HashMap<>();
        List<String> changes = new ArrayList<>();
        for (Event e : history.events()) {
            if ((e.kind() != Kind.ESTABLISHED && e.kind() != Kind.RENEWED) || e.address().isEmpty()) {
                continue;
            }
            String had = first.putIfAbsent(e.device(), e.address());
            if (had != null && !had.equals(e.address())) {
                changes.add(String.format(java.util.Locale.ROOT, "%s had %s and was told %s (%s) at %.1f s during '%s'",
                        e.device(), had, e.address(), e.kind(), e.at() / 1000, history.phaseAt(e.at())));
                first.put(e.device(), e.address());
            }
        }
        return changes;
    }
}
