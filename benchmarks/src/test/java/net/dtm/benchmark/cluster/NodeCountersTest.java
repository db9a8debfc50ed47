package net.dtm.benchmark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class NodeCountersTest {

    @Test
    void aTrialsChangesLeaveOutWhatDidNotChange() {
        NodeCounters start = new NodeCounters(Map.of("store.commits", 10L, "store.writes", 100L, "dropped.stale", 4L));
        NodeCounters end = new NodeCounters(Map.of("store.commits", 25L, "store.writes", 400L, "dropped.stale", 4L,
                "dropped.replay", 3L));
        NodeCounters d = end.since(start);
        assertEquals(Map.of("store.commits", 15L, "store.writes", 300L, "dropped.replay", 3L), d.sums());
        assertEquals(0, d.get("dropped.stale"));
        assertEquals(new Commits(15, 300, 0), Commits.of(d));
    }

    @Test
    void dropsAreListedByReasonOrNone() {
        assertEquals("replay 3, stale 225", new NodeCounters(Map.of("dropped.stale", 225L, "dropped.replay", 3L,
                "store.commits", 9L)).drops());
        assertEquals("none", new NodeCounters(Map.of("store.commits", 9L)).drops());
        assertEquals(228, new NodeCounters(Map.of("dropped.stale", 225L, "dropped.replay", 3L, "store.commits", 9L)).dropped());
    }
}
