package net.dtm.benchmark.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;

class DeviceSupplyTest {

    @Test
    void batchesNeverShareADevice() {
        DeviceSupply s = new DeviceSupply();
        DeviceSupply.Batch a = s.take(3);
        DeviceSupply.Batch b = s.take(2);
        assertEquals("dev-000000000", a.ids().get(0).value());
        assertEquals("dev-000000003", b.ids().get(0).value());
        assertEquals("dev-000000004", b.ids().get(1).value());
        assertEquals(5, s.handedOut());
    }

    @Test
    void aBatchRecordsWhenItsRunWantedMoreThanItHolds() {
        AtomicLong clock = new AtomicLong(100);
        DeviceSupply.Batch b = new DeviceSupply(clock::get).take(2);
        Iterator<DeviceId> it = b.iterator();
        it.next();
        assertTrue(it.hasNext());
        it.next();
        assertFalse(b.ranOut(), "used up, but nobody asked for more yet");
        clock.set(2_500);
        assertFalse(it.hasNext());
        clock.set(9_000);
        assertFalse(it.hasNext());
        assertTrue(b.ranOut());
        assertEquals(2_500, b.ranOutNanos(), "the first time it ran dry");
        assertEquals(2, b.used());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void aRunThatStopsBeforeTheEndDidNotRunOut() {
        DeviceSupply.Batch b = new DeviceSupply().take(10);
        Iterator<DeviceId> it = b.iterator();
        for (int i = 0; i < 4; i++) {
            assertTrue(it.hasNext());
            it.next();
        }
        assertFalse(b.ranOut());
        assertEquals(4, b.used());
    }

    @Test
    void anEmptyBatchIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DeviceSupply().take(0));
    }
}
