package net.dtm.cluster.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The check with a hand-driven timer: every timer it sets is run (or not) by the test. */
class StoreSelectionCheckTest {

    /** Timers set, run by the test. */
    static final class ManualScheduler implements StoreSelectionCheck.Scheduler {
        record Timer(Runnable task, Duration delay, boolean[] cancelled) {
        }

        final List<Timer> timers = new ArrayList<>();

        @Override
        public Runnable schedule(Runnable task, Duration delay) {
            boolean[] cancelled = {false};
            timers.add(new Timer(task, delay, cancelled));
            return () -> cancelled[0] = true;
        }

        /** The live (not cancelled) timers. */
        List<Timer> live() {
            return timers.stream().filter(t -> !t.cancelled()[0]).toList();
        }

        /** Runs every timer as if its delay passed (a cancelled one too, as a timer already firing would). */
        void elapse() {
            for (Timer t : List.copyOf(timers)) {
                t.task().run();
            }
            timers.clear();
        }
    }

    /** What was reported. */
    static final class Recorder implements StoreSelectionCheck.Reporter {
        final List<String> lines = new ArrayList<>();

        @Override
        public void info(String message) {
            lines.add("INFO " + message);
        }

        @Override
        public void error(String message) {
            lines.add("ERROR " + message);
        }
    }

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Recorder log = new Recorder();
    private final StoreSelectionCheck check = new StoreSelectionCheck(scheduler, log);

    @Test
    void aMisspeltTypeIsReportedOnceAfterTheGracePeriodNamingTheTypeAndTheRegisteredOnes() {
        check.start("zookeper", Duration.ofSeconds(60));
        assertEquals(1, scheduler.live().size());
        assertEquals(Duration.ofSeconds(60), scheduler.live().get(0).delay());
        assertEquals(List.of(), log.lines, "nothing before the grace period is over");
        check.storeAdded(7L, "derby");
        scheduler.elapse();
        assertEquals(List.of("ERROR net.dtm.store type = zookeper: no store of type 'zookeper' has registered within 60 s"
                + " (registered store types: derby). This node has no store: check the type in etc/net.dtm.store.cfg for a typo"
                + " and that the store's feature is installed"), log.lines);
        check.storeAdded(8L, "other");
        check.storeRemoved(8L);
        scheduler.elapse();
        assertEquals(1, log.lines.size(), "one error, not one per change");
    }

    @Test
    void noStoreAtAllIsReportedAsNone() {
        check.start("mongo", Duration.ofSeconds(5));
        scheduler.elapse();
        assertEquals(1, log.lines.size());
        assertTrue(log.lines.get(0).startsWith("ERROR net.dtm.store type = mongo: no store of type 'mongo' has registered"
                + " within 5 s (registered store types: none)"), log.lines.get(0));
    }

    @Test
    void theSelectedStoreAppearingInTimeIsReportedOnceAndCancelsTheTimer() {
        check.start("zookeeper", Duration.ofSeconds(60));
        check.storeAdded(1L, "zookeeper");
        assertEquals(List.of(), scheduler.live(), "timer cancelled");
        check.storeAdded(2L, "zookeeper"); // its DeviceStore-like second registration changes nothing
        scheduler.elapse(); // a timer that fires after it was cancelled does nothing
        assertEquals(List.of("INFO store 'zookeeper' registered (net.dtm.store type = zookeeper)"), log.lines);
    }

    @Test
    void aStoreRegisteredBeforeTheStartCountsAtOnce() {
        check.storeAdded(3L, "derby");
        assertEquals(List.of(), log.lines, "nothing before the start");
        check.start("derby", Duration.ofSeconds(60));
        assertEquals(List.of(), scheduler.timers);
        assertEquals(List.of("INFO store 'derby' registered (net.dtm.store type = derby)"), log.lines);
    }

    @Test
    void withoutATypeAnyStoreIsTheDefaultOne() {
        check.start("", Duration.ofSeconds(60));
        check.storeAdded(3L, "derby");
        assertEquals(List.of("INFO store 'derby' registered as the default store (net.dtm.store type not set)"), log.lines);

        StoreSelectionCheck none = new StoreSelectionCheck(scheduler, log);
        none.start("", Duration.ofSeconds(60));
        scheduler.elapse();
        assertTrue(log.lines.get(1).startsWith("ERROR net.dtm.store type not set: the default store has not registered within"
                + " 60 s (registered store types: none)"), log.lines.get(1));
    }

    @Test
    void errorThenTheStoreAppearsLateThenGoesAwayAndDoesNotComeBack() {
        check.start("zookeeper", Duration.ofSeconds(60));
        scheduler.elapse();
        check.storeAdded(1L, "zookeeper");
        check.storeRemoved(1L);
        assertEquals(1, scheduler.live().size(), "gone again: the grace period starts again");
        scheduler.elapse();
        assertEquals(3, log.lines.size(), log.lines.toString());
        assertTrue(log.lines.get(0).startsWith("ERROR "));
        assertEquals("INFO store 'zookeeper' registered (net.dtm.store type = zookeeper)", log.lines.get(1));
        assertTrue(log.lines.get(2).startsWith("ERROR net.dtm.store type = zookeeper: no store of type 'zookeeper'"));
    }

    @Test
    void closedCheckReportsNothingAndCannotStartTwice() {
        check.start("derby", Duration.ofSeconds(60));
        assertThrows(IllegalStateException.class, () -> check.start("derby", Duration.ofSeconds(60)));
        check.close();
        assertEquals(List.of(), scheduler.live(), "timer cancelled on close");
        scheduler.elapse();
        check.storeAdded(1L, "derby");
        assertEquals(List.of(), log.lines);
    }

    @Test
    void graceSecondsAreReadWithADefault() {
        assertEquals(Duration.ofSeconds(60), StoreSelectionCheckComponent.grace(Map.of()));
        assertEquals(Duration.ofSeconds(5), StoreSelectionCheckComponent.grace(Map.of("selection.grace.seconds", " 5 ")));
        assertEquals(Duration.ofSeconds(7), StoreSelectionCheckComponent.grace(Map.of("selection.grace.seconds", 7)));
        assertEquals(Duration.ofSeconds(60), StoreSelectionCheckComponent.grace(Map.of("selection.grace.seconds", "0")));
        assertEquals(Duration.ofSeconds(60), StoreSelectionCheckComponent.grace(Map.of("selection.grace.seconds", "soon")));
    }
}
