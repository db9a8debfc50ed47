package net.dtm.testkit.lease;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's live threads, summed per thread group name (the name with its trailing
 * numbers removed: {@code dtm-server-worker-3} counts as {@code dtm-server-worker}). Two snapshots
 * subtracted show where a run's CPU went.
 */
public final class ThreadCpu {

    private ThreadCpu() {
    }

    /** Group name to CPU nanoseconds used so far by its live threads. */
    public static Map<String, Long> snapshot() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> out = new HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long cpu = mx.getThreadCpuTime(t.getThreadId());
            if (cpu > 0) {
                out.merge(group(t.getThreadName()), cpu, Long::sum);
            }
        }
        return out;
    }

    /** {@code after - before} per group, in milliseconds, largest first in iteration order of a TreeMap by name. */
    public static Map<String, Long> deltaMillis(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = (v - before.getOrDefault(k, 0L)) / 1_000_000;
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    static String group(String name) {
        return name.replaceAll("[-_ ]?\\d+$", "").replaceAll("[-_ ]?\\d+$", "");
    }
}
