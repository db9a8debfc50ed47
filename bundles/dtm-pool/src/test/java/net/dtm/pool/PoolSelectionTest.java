package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.api.TunnelType;

/** Trying the candidate pools in order (the order itself: PoolFeaturesTest). */
class PoolSelectionTest {

    private static final DeviceId D = DeviceId.of("d1");
    private final Pool a = Pool.of("a", "10.1.0.0/24", 3600);
    private final Pool b = Pool.of("b", "10.2.0.0/24", 3600);
    private final Pool c = Pool.of("c", "10.3.0.0/24", 3600);
    private final List<String> tried = new ArrayList<>();

    private Lease refuse(Pool p, Reason reason) {
        tried.add(p.name());
        throw new DtmException(reason, p.name() + " refused");
    }

    @Test
    void noCandidateIsNoPoolNamingTheDeviceAndTunnelType() {
        DtmException e = assertThrows(DtmException.class,
                () -> PoolSelection.allocateInFirst(List.of(), D, TunnelType.GRE, p -> null));
        assertEquals(Reason.NO_POOL, e.reason());
        assertEquals("no pool serves device d1 with tunnel type gre", e.getMessage());
    }

    @Test
    void fullOrVanishedPoolsArePassedAndTheFirstRefusalIsReportedWhenAllRefuse() {
        DtmException e = assertThrows(DtmException.class, () -> PoolSelection.allocateInFirst(List.of(a, b, c), D, null,
                p -> refuse(p, p == b ? Reason.NO_POOL : Reason.POOL_EXHAUSTED)));
        assertEquals("a refused", e.getMessage());
        assertEquals(List.of("a", "b", "c"), tried);
    }

    @Test
    void anyOtherRefusalStopsAtOnce() {
        DtmException down = new DtmException(Reason.STORE_UNAVAILABLE, "down");
        assertSame(down, assertThrows(DtmException.class, () -> PoolSelection.allocateInFirst(List.of(a, b), D, null, p -> {
            tried.add(p.name());
            throw down;
        })));
        assertEquals(List.of("a"), tried);
    }
}
