package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class EndLanesTest {

    private final EndLanes lanes = new EndLanes(Runnable::run);
    private final List<String> ran = new ArrayList<>();

    @Test
    void aJobWaitsUntilThePreviousJobsFutureCompletes() {
        CompletableFuture<Void> holding = new CompletableFuture<>();
        lanes.submit("dtm0", () -> {
            ran.add("a1");
            return holding;
        });
        lanes.submit("dtm0", () -> done("a2"));
        lanes.submit("dtm1", () -> done("b1"));
        assertEquals(List.of("a1", "b1"), ran);
        assertEquals(1, lanes.size(), "dtm1's idle lane is gone");
        holding.complete(null);
        assertEquals(List.of("a1", "b1", "a2"), ran);
        assertEquals(0, lanes.size());
    }

    @Test
    void aFailingJobDoesNotStopTheLane() {
        lanes.submit("dtm0", () -> {
            throw new IllegalStateException("boom");
        });
        lanes.submit("dtm0", () -> done("after"));
        assertEquals(List.of("after"), ran);
    }

    @Test
    void manyQuickJobsDoNotRecurse() {
        for (int i = 0; i < 100_000; i++) {
            int n = i;
            lanes.submit("dtm0", () -> n == 99_999 ? done("last") : CompletableFuture.completedFuture(null));
        }
        assertEquals(List.of("last"), ran);
    }

    private CompletableFuture<Void> done(String name) {
        ran.add(name);
        return CompletableFuture.completedFuture(null);
    }
}
