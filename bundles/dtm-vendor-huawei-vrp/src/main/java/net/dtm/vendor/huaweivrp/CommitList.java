package net.dtm.vendor.huaweivrp;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The commit ids of {@code display configuration commit list}, newest first as VRP lists them:
 * <pre>
 *  No.  CommitId     Label     User      Time
 *  1    1000000003   -         dtm       2026-01-01 00:00:00+00:00
 * </pre>
 */
final class CommitList {

    private static final Pattern ROW = Pattern.compile("^\\s*(\\d+)\\s+(\\d{4,})\\s+.*$");

    private CommitList() {
    }

    /** The commit ids in {@code text}, in the order listed. */
    static List<String> ids(String text) {
        List<String> ids = new ArrayList<>();
        for (String line : text.split("\\r?\\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                ids.add(m.group(2));
            }
        }
        return ids;
    }
}
