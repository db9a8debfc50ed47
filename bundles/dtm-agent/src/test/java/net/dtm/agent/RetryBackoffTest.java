package net.dtm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void doublesUpToTheMaximumAndResetsToTheMinimum() {
        RetryBackoff b = new RetryBackoff(Duration.ofMillis(100), Duration.ofMillis(300), () -> 0);
        assertEquals(Duration.ofMillis(100), b.current());
        assertEquals(Duration.ofMillis(100), b.next());
        assertEquals(Duration.ofMillis(200), b.current());
        assertEquals(Duration.ofMillis(200), b.next());
        assertEquals(Duration.ofMillis(300), b.next());
        assertEquals(Duration.ofMillis(300), b.next());
        b.reset();
        assertEquals(Duration.ofMillis(100), b.next());
    }

    @Test
    void eachWaitIsDrawnFromTheUpperHalfOfItsStep() {
        RetryBackoff b = new RetryBackoff(Duration.ofMillis(100), Duration.ofMillis(300), () -> 0.999999);
        assertEquals(50, b.next().toMillis());
        assertEquals(100, b.next().toMillis());
        assertEquals(Duration.ofMillis(300), b.current(), "the step itself is not jittered");
    }

    @Test
    void aFleetThatFailedTogetherDoesNotRetryTogether() {
        Set<Duration> waits = new HashSet<>();
        for (int device = 0; device < 100; device++) {
            RetryBackoff b = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
            b.next();
            Duration second = b.next();
            assertTrue(second.compareTo(Duration.ofSeconds(1)) >= 0 && second.compareTo(Duration.ofSeconds(2)) <= 0,
                    second.toString());
            waits.add(second);
        }
        assertTrue(waits.size() > 90, "100 devices, " + waits.size() + " distinct waits");
    }
}
