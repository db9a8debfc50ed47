package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.spi.cluster.ClockOffset;
import net.dtm.api.fakes.SettableClock;

/** The guard alone: what it trusts, how an episode of refusals begins and ends, what it counts. */
class ClockGuardTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final TestCluster cluster = new TestCluster("n1", "zookeeper");
    private final ClockGuard guard = new ClockGuard("n1", clock, Duration.ofSeconds(2), cluster);

    private void measured(long offsetMs, long uncertaintyMs, Duration ago) {
        cluster.offset = Optional.of(new ClockOffset(Duration.ofMillis(offsetMs), Duration.ofMillis(uncertaintyMs),
                clock.instant().minus(ago)));
    }

    @Test
    void withoutAClusterThereIsOneClockAndItIsTrusted() {
        assertTrue(new ClockGuard("n1", clock, Duration.ZERO, null).allowsReclaim());
    }

    @Test
    void anEpisodeOfRefusalsIsCountedAndEndsWhenTheClockAgrees() {
        measured(-1999, 1, Duration.ZERO);
        assertTrue(guard.allowsReclaim(), "exactly at the bound");
        measured(-1999, 2, Duration.ZERO);
        assertFalse(guard.allowsReclaim(), "2001 ms: beyond the bound");
        assertTrue(guard.refusing());
        measured(2500, 0, Duration.ZERO);
        assertFalse(guard.allowsReclaim(), "behind is as bad as ahead");
        assertEquals(2, guard.refusals());
        measured(10, 5, Duration.ofSeconds(30));
        assertTrue(guard.allowsReclaim(), "agrees, measured 30 s ago: the episode ends");
        assertFalse(guard.refusing());
        measured(10, 5, Duration.ofSeconds(31));
        assertFalse(guard.allowsReclaim(), "31 s old: stale");
        cluster.offset = Optional.empty();
        assertFalse(guard.allowsReclaim(), "never measured");
        assertEquals(4, guard.refusals());
    }
}
