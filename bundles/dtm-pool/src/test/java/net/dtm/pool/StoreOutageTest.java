package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.api.fakes.SettableClock;

class StoreOutageTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final StoreOutage outage = new StoreOutage("n1", clock);

    private Object fail() {
        throw new StoreUnavailableException("test: gone", null);
    }

    @Test
    void aStoreFailureIsStoreUnavailableAndStartsAnOutageOnce() {
        assertNull(outage.since());
        DtmException e = assertThrows(DtmException.class, () -> outage.guarded("read", this::fail));
        assertEquals(Reason.STORE_UNAVAILABLE, e.reason());
        assertEquals("store unavailable: cannot read", e.getMessage());
        assertInstanceOf(StoreUnavailableException.class, e.getCause());
        assertTrue(outage.down());
        Instant start = clock.instant();
        clock.advance(Duration.ofSeconds(5));
        assertThrows(DtmException.class, () -> outage.guarded("read", this::fail));
        assertEquals(start, outage.since(), "the outage began with its first failure");
    }

    @Test
    void onlyAnAnswerFromTheStoreEndsTheOutage() {
        assertThrows(DtmException.class, () -> outage.guarded("read", this::fail));
        assertEquals("memory", outage.guarded("read pool", false, () -> "memory"));
        assertTrue(outage.down(), "an answer from memory proves nothing");
        assertEquals("store", outage.guarded("read", () -> "store"));
        assertFalse(outage.down());
    }

    @Test
    void otherFailuresPassUnchangedAndStartNoOutage() {
        IllegalArgumentException bad = new IllegalArgumentException("bad");
        assertSame(bad, assertThrows(IllegalArgumentException.class, () -> outage.guarded("x", () -> {
            throw bad;
        })));
        DtmException noPool = new DtmException(Reason.NO_POOL, "no pool p");
        assertSame(noPool, assertThrows(DtmException.class, () -> outage.guarded("x", () -> {
            throw noPool;
        })));
        assertFalse(outage.down());
    }
}
