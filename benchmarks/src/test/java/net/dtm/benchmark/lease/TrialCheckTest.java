package net.dtm.benchmark.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class TrialCheckTest {

    @Test
    void aFullTrialCounts() {
        assertEquals(Optional.empty(), TrialCheck.cutShort("trial", 30, 30.4, -1, 800_000, 12_000));
    }

    @Test
    void runningOutOfDevicesBeforeTheEndFailsTheTrial() {
        // issue 17: the 256 trial stopped after 23 s of 30
        Optional<String> p = TrialCheck.cutShort("trial, concurrency 256", 30, 24.1, 23.0, 280_000, 12_000);
        assertTrue(p.isPresent());
        assertTrue(p.get().contains("ran out of enrolled devices after 23.0 s of 30 s"), p.get());
        assertTrue(p.get().contains("not reported"), p.get());
    }

    @Test
    void runningOutAtOnceFailsTheTrial() {
        // issue 17: the 1024 trial confirmed 0 leases, its devices all used by the trials before
        assertTrue(TrialCheck.cutShort("trial, concurrency 1024", 30, 0.2, 0.0, 1, 12_000).isPresent());
    }

    @Test
    void aClientThatEndedEarlyFailsTheTrial() {
        Optional<String> p = TrialCheck.cutShort("trial", 30, 12, -1, 800_000, 12_000);
        assertTrue(p.orElseThrow().contains("ended after 12.0 s of 30 s"), p.get());
    }
}
