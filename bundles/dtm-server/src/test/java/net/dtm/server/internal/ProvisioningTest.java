package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException;
import net.dtm.spi.store.StoreUnavailableException;

class ProvisioningTest {

    private static final Duration FAST = Duration.ofMillis(20);

    @Test
    void aReachableStoreIsProvisionedAtOnce() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        try (Provisioning p = Provisioning.start(runs::incrementAndGet, FAST, "n")) {
            assertTrue(p.done());
            assertEquals(1, runs.get());
        }
    }

    @Test
    void anUnavailableStoreIsRetriedUntilItAnswers() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        Provisioning.Step step = () -> {
            if (runs.incrementAndGet() < 4) {
                throw runs.get() % 2 == 0 ? new StoreUnavailableException("down", null)
                        : new DtmException(DtmException.Reason.STORE_UNAVAILABLE, "store unavailable");
            }
        };
        try (Provisioning p = Provisioning.start(step, FAST, "n")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(p::done);
            assertEquals(4, runs.get());
        }
    }

    @Test
    void anyOtherFailureOfTheFirstAttemptIsThrown() {
        IllegalArgumentException bad = new IllegalArgumentException("overlaps pool x");
        assertSame(bad, assertThrows(IllegalArgumentException.class,
                () -> Provisioning.start(() -> { throw bad; }, FAST, "n")));
        assertThrows(IOException.class, () -> Provisioning.start(() -> { throw new IOException("disk full"); }, FAST, "n"));
    }

    @Test
    void aLaterFailureOfAnotherKindStopsTheRetries() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        Provisioning.Step step = () -> {
            if (runs.incrementAndGet() == 1) {
                throw new StoreUnavailableException("down", null);
            }
            throw new IOException("cannot write key file");
        };
        try (Provisioning p = Provisioning.start(step, FAST, "n")) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(p::done);
            int after = runs.get();
            assertEquals(2, after);
        }
    }

    @Test
    void closeStopsRetrying() throws IOException {
        AtomicInteger runs = new AtomicInteger();
        Provisioning p = Provisioning.start(() -> {
            runs.incrementAndGet();
            throw new StoreUnavailableException("down", null);
        }, Duration.ofHours(1), "n");
        p.close();
        assertFalse(p.done());
        assertEquals(1, runs.get());
    }
}
