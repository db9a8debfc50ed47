package net.dtm.shell;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import net.dtm.api.LinkInfo;

/** One link as a row of the link commands (JSON keys in insertion order). */
final class LinkRows {

    private LinkRows() {
    }

    static Map<String, Object> row(LinkInfo l, boolean json) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", l.id());
        row.put("kind", l.kind());
        row.put("state", l.state());
        row.put("enabled", l.enabled());
        row.put("metered", l.metered());
        row.put("local", l.localAddress().orElse(""));
        row.put("public", l.publicAddress().orElse(""));
        row.put("rttMs", json ? (Object) millis(l.srtt()) : format(millis(l.srtt())));
        row.put("rtoMs", json ? (Object) millis(l.rto()) : format(millis(l.rto())));
        row.put("lossPercent", json ? (Object) (l.lossEstimate() * 100) : format(l.lossEstimate() * 100));
        row.put("copies", l.copies());
        row.put("datagramsSent", l.datagramsSent());
        row.put("bytesSent", l.bytesSent());
        row.put("datagramsReceived", l.datagramsReceived());
        row.put("bytesReceived", l.bytesReceived());
        row.put("duplicates", l.duplicates());
        return row;
    }

    private static double millis(Duration d) {
        return d.toNanos() / 1_000_000.0;
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
