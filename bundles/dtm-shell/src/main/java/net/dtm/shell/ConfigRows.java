package net.dtm.shell;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.EndView;
import net.dtm.api.config.Transaction;

/** Adapters, ends and history entries as rows of the vendor and config commands (JSON keys in insertion order). */
final class ConfigRows {

    private ConfigRows() {
    }

    /** {@code pending-confirm} for {@code PENDING_CONFIRM}: the same vocabulary as an end's state. */
    static String result(Transaction.Result result) {
        return result.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Field changes on one line, or {@code none}. */
    static String diff(List<String> diff) {
        return diff.isEmpty() ? "none" : String.join("; ", diff);
    }

    /** At most three field changes on one line, then how many more. */
    static String diffSummary(List<String> diff) {
        if (diff.size() <= 3) {
            return diff(diff);
        }
        return String.join("; ", diff.subList(0, 3)) + "; +" + (diff.size() - 3) + " more";
    }

    /** One line of {@code vendor:list}. */
    static Map<String, Object> adapter(AdapterInfo a, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("vendor", a.vendor());
        row.put("models", json ? a.models() : a.models().isEmpty() ? "any" : String.join(", ", a.models()));
        row.put("osVersions", json ? a.osVersions() : a.osVersions().isEmpty() ? "any" : String.join(", ", a.osVersions()));
        row.put("behaviours", json ? a.behaviours() : String.join(", ", a.behaviours()));
        row.put("bundle", a.bundle());
        row.put("ranking", a.ranking());
        return row;
    }

    /** One line of {@code config:show} without an end. */
    static Map<String, Object> end(EndView e, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("end", e.end());
        row.put("role", e.role());
        row.put("device", e.device());
        row.put("adapter", json ? e.adapter().orElse(null) : e.adapter().orElse("none"));
        row.put("state", e.state());
        row.put("lastEntry", json ? (Object) e.lastEntry() : e.lastEntry() == 0 ? "none" : "#" + e.lastEntry());
        return row;
    }

    /** Everything about one end ({@code config:show <end>}). */
    static Map<String, Object> endDetail(EndView e, boolean json) {
        Map<String, Object> row = end(e, json);
        row.put("intent", json ? e.intent().orElse(null) : e.intent().orElse("none yet"));
        row.put("running", json ? e.running().orElse(null) : e.running().orElse("absent or not read"));
        row.put("diff", json ? e.diff() : diff(e.diff()));
        return row;
    }

    /** One history entry. */
    static Map<String, Object> entry(Transaction t, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("number", t.number());
        row.put("time", json ? t.time().toString() : DtmCommand.time(t.time()));
        row.put("trigger", t.trigger());
        row.put("result", result(t.result()));
        boolean rolledBack = t.result() == Transaction.Result.ROLLED_BACK;
        row.put("restored", json ? (Object) (rolledBack ? t.restored() : null) : rolledBack ? (t.restored() ? "yes" : "NO") : "");
        row.put("diff", json ? t.diff() : diffSummary(t.diff()));
        row.put("detail", t.detail());
        if (json) {
            row.put("end", t.end());
            row.put("intent", t.intent());
            row.put("commands", t.commands());
        }
        return row;
    }
}
