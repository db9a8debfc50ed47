package net.dtm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    @Test
    void doublesUpToTheMaximumAndResetsToTheMinimum() {
        RetryBackoff b = new RetryBackoff(Duration.ofMillis(100), Duration.ofMillis(300));
        assertEquals(Duration.ofMillis(100), b.current());
        assertEquals(Duration.ofMillis(100), b.next());
        assertEquals(Duration.ofMillis(200), b.current());
        assertEquals(Duration.ofMillis(200), b.next());
        assertEquals(Duration.ofMillis(300), b.next());
        assertEquals(Duration.ofMillis(300), b.next());
        b.reset();
        assertEquals(Duration.ofMillis(100), b.next());
    }
}
