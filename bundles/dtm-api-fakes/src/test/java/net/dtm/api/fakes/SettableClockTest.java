package net.dtm.api.fakes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class SettableClockTest {

    private static final Instant T0 = Instant.parse("2030-01-01T09:00:00Z");

    @Test
    void setAndAdvanceMoveTheClock() {
        SettableClock c = new SettableClock(T0);
        assertEquals(T0, c.instant());
        c.advance(Duration.ofSeconds(5));
        assertEquals(T0.plusSeconds(5), c.instant());
        c.set(T0.minusSeconds(60));
        assertEquals(T0.minusSeconds(60), c.instant());
        assertEquals(ZoneOffset.UTC, c.getZone());
    }

    @Test
    void advanceToNeverGoesBack() {
        SettableClock c = new SettableClock(T0);
        c.advanceTo(T0.plusSeconds(30));
        assertEquals(T0.plusSeconds(30), c.instant());
        c.advanceTo(T0.plusSeconds(10));
        assertEquals(T0.plusSeconds(30), c.instant());
    }
}
