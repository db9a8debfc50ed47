package net.dtm.testkit.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.testkit.cluster.History;
import net.dtm.testkit.cluster.History.Event;
import net.dtm.testkit.cluster.History.Kind;

class AddressChangesTest {

    @Test
    void sameAddressThroughRenewalsAndReestablishmentIsNoChange() {
        History h = new History();
        h.phase("baseline", 0);
        h.add(new Event(1, "d1", Kind.ESTABLISHED, "10.0.0.2", 1, "n1", 5, ""));
        h.add(new Event(2, "d1", Kind.RENEWED, "10.0.0.2", 2, "n2", 0, ""));
        h.add(new Event(3, "d1", Kind.LOST, "10.0.0.2", -1, "", 0, "expired"));
        h.add(new Event(4, "d1", Kind.ESTABLISHED, "10.0.0.2", 3, "n1", 5, ""));
        h.add(new Event(5, "d2", Kind.ESTABLISHED, "10.0.0.3", 1, "n1", 5, ""));
        assertTrue(AddressChanges.of(h).isEmpty());
    }

    @Test
    void aDeviceToldAnotherAddressIsReportedWithItsPhase() {
        History h = new History();
        h.phase("baseline", 0);
        h.add(new Event(1, "d1", Kind.ESTABLISHED, "10.0.0.2", 1, "n1", 5, ""));
        h.phase("update net.dtm.dtm-pool", 1500);
        h.add(new Event(2000, "d1", Kind.ESTABLISHED, "10.0.0.9", 1, "n1", 5, ""));
        h.add(new Event(3000, "d1", Kind.RENEWED, "10.0.0.9", 2, "n1", 0, ""));
        List<String> changes = AddressChanges.of(h);
        assertEquals(1, changes.size(), changes.toString());
        assertTrue(changes.get(0).contains("d1 had 10.0.0.2 and was told 10.0.0.9")
                && changes.get(0).contains("update net.dtm.dtm-pool"), changes.get(0));
    }
}
