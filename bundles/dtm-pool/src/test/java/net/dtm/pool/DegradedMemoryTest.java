package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.spi.store.StoreUnavailableException;
import net.dtm.store.derby.DerbyStore;
import net.dtm.api.fakes.SettableClock;

/** Renewals answered from memory while the store is unavailable: what is remembered and how far it reaches. */
class DegradedMemoryTest {

    private static final Duration QUARANTINE = Duration.ofMinutes(10);
    private static final DeviceId D = DeviceId.of("d1");

    @TempDir
    java.nio.file.Path dir;

    private DerbyStore derby;
    private final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final StoreOutage outage = new StoreOutage("n1", clock);
    private DegradedMemory memory;
    private Pool pool;

    @BeforeEach
    void setUp() {
        derby = new DerbyStore(dir.resolve("db"));
        PoolStates states = new PoolStates(derby, "n1", false, new PoolAlarms("n1", PoolSettings.DEFAULTS));
        pool = Pool.of("p", "10.1.0.0/24", 3600);
        states.created(pool);
        memory = new DegradedMemory("n1", clock, QUARANTINE, states, outage);
    }

    @AfterEach
    void tearDown() {
        derby.close();
    }

    private Lease lease(LeaseState state, long sequence, Duration left) {
        return new Lease("p", D, Cidr.parseLiteral("10.1.0.9"), state, sequence, clock.instant().plus(left), "n1");
    }

    private Quote quote(Lease l) {
        return new Quote(l.address(), l.sequence());
    }

    /** A renewal whose store call fails as the guard reports an unavailable store. */
    private Supplier<Lease> storeDown() {
        return () -> outage.guarded("renew", () -> {
            throw new StoreUnavailableException("test: gone", null);
        });
    }

    @Test
    void aBoundLeaseAnsweredIsToldAgainUnextendedAndCutToTheOutageStartPlusTheQuarantine() {
        Lease bound = lease(LeaseState.BOUND, 2, Duration.ofHours(1));
        memory.know(bound); // as the lifecycle does when the store answers
        assertSame(bound, memory.renew("p", D, quote(bound), () -> bound));
        clock.advance(Duration.ofMinutes(1));
        Instant outageStart = clock.instant();
        Lease answered = memory.renew("p", D, quote(bound), storeDown());
        assertEquals(bound.with(LeaseState.BOUND, 2, outageStart.plus(QUARANTINE), "n1"), answered);
        assertEquals(1, memory.renewedDegraded());

        clock.advance(QUARANTINE);
        DtmException e = assertThrows(DtmException.class, () -> memory.renew("p", D, quote(bound), storeDown()));
        assertEquals(Reason.STORE_UNAVAILABLE, e.reason(), "one quarantine into the outage: no more answers");
    }

    @Test
    void theNewestSequenceIsKeptAndOnlyItsQuoteIsAnswered() {
        Lease newer = lease(LeaseState.BOUND, 5, Duration.ofMinutes(5));
        memory.know(newer);
        memory.know(lease(LeaseState.BOUND, 4, Duration.ofHours(1))); // a renewal that finished late
        assertEquals(newer, memory.renew("p", D, quote(newer), storeDown()));
        assertEquals(newer, memory.renew("p", D, null, storeDown()), "without a quote: the device's lease");
        assertThrows(DtmException.class, () -> memory.renew("p", D, new Quote(newer.address(), 6), storeDown()),
                "a sequence it never had");
        assertEquals(1L, memory.size());
    }

    @Test
    void offersForgottenLeasesAndOtherRefusalsAreNotAnswered() {
        Lease offer = lease(LeaseState.LOCKED, 1, Duration.ofSeconds(30));
        memory.know(offer);
        assertEquals(0L, memory.size(), "a LOCKED lease is not remembered");
        assertThrows(DtmException.class, () -> memory.renew("p", D, quote(offer), storeDown()), "nor answered");

        Lease bound = lease(LeaseState.BOUND, 2, Duration.ofHours(1));
        memory.know(bound);
        DtmException unknown = new DtmException(Reason.UNKNOWN_LEASE, "stale");
        assertSame(unknown, assertThrows(DtmException.class, () -> memory.renew("p", D, quote(bound), () -> {
            throw unknown;
        })), "the store answered: its refusal stands");
        memory.forget("p", D);
        assertThrows(DtmException.class, () -> memory.renew("p", D, quote(bound), storeDown()), "released");
        assertEquals(0, memory.renewedDegraded());
    }
}
