package net.dtm.benchmark.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import net.dtm.testkit.cluster.NodeProcess;

/** The nodes' counters summed over the nodes (read through {@link NodeProcess#counters}), and their changes. */
record NodeCounters(Map<String, Long> sums) {

    private static final String DROPPED = "dropped.";

    /** Kept sorted by name, so what is listed from it comes in one order. */
    NodeCounters {
        sums = Collections.unmodifiableSortedMap(new TreeMap<>(sums));
    }

    /** The sums over {@code nodes} now. */
    static NodeCounters of(List<NodeProcess> nodes) throws IOException, InterruptedException {
        Map<String, Long> sums = new TreeMap<>();
        for (NodeProcess n : nodes) {
            n.counters(Duration.ofSeconds(10)).forEach((k, v) -> sums.merge(k, v, Long::sum));
        }
        return new NodeCounters(sums);
    }

    /** What changed between {@code start} and this (counters that did not change are left out). */
    NodeCounters since(NodeCounters start) {
        Map<String, Long> d = new TreeMap<>();
        sums.forEach((k, v) -> {
            long change = v - start.get(k);
            if (change != 0) {
                d.put(k, change);
            }
        });
        return new NodeCounters(d);
    }

    long get(String name) {
        return sums.getOrDefault(name, 0L);
    }

    /** The datagrams the nodes dropped unanswered ({@code dropped.*}), all reasons together. */
    long dropped() {
        return sums.entrySet().stream().filter(e -> e.getKey().startsWith(DROPPED)).mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * The datagrams the nodes dropped unanswered, by reason ({@code dropped.*}), e.g. "none" or
     * "overload 12, stale 3": a trial whose requests were dropped measured retransmissions too.
     */
    String drops() {
        String by = sums.entrySet().stream().filter(e -> e.getKey().startsWith(DROPPED) && e.getValue() != 0)
                .map(e -> String.format(Locale.ROOT, "%s %d", e.getKey().substring(DROPPED.length()), e.getValue()))
                .collect(Collectors.joining(", "));
        return by.isEmpty() ? "none" : by;
    }
}
