package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentilesOfOneToHundred() {
        List<Double> v = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            v.add((double) i);
        }
        Collections.shuffle(v);
        Stats s = Stats.of(v, 0);
        assertEquals(100, s.n());
        assertEquals(50.5, s.mean(), 1e-9);
        assertEquals(50, s.p50());
        assertEquals(95, s.p95());
        assertEquals(99, s.p99());
        assertEquals(100, s.max());
        assertEquals(1.0, s.within1s());
    }

    @Test
    void slowAndFailedEstablishmentsAreNotWithinOneSecond() {
        Stats s = Stats.of(List.of(10.0, 999.0, 1000.0, 1000.1), 1);
        assertEquals(4, s.n());
        assertEquals(1, s.failed());
        assertEquals(3 / 5.0, s.within1s(), 1e-9);
    }

    @Test
    void nothingMeasuredIsNotANumberUnlessEverythingFailed() {
        assertTrue(Double.isNaN(Stats.of(List.of(), 0).mean()));
        assertTrue(Double.isNaN(Stats.of(List.of(), 0).within1s()));
        assertEquals(0.0, Stats.of(List.of(), 3).within1s());
    }
}
