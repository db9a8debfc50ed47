package net.dtm.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Release;

class ResyncNaksTest {

    private final ResyncNaks resyncs = new ResyncNaks();

    private static Envelope request(String device, int version) {
        return new Envelope(Direction.TO_SERVER, DeviceId.of(device), 1, 2,
                new Release("p", net.dtm.api.Cidr.parseLiteral("10.0.0.1"), 1), version);
    }

    @Test
    void atMostOnePerDeviceEvery100Milliseconds() {
        assertTrue(resyncs.mayAnswer(request("a", 3), 1_000));
        assertFalse(resyncs.mayAnswer(request("a", 3), 1_099));
        assertTrue(resyncs.mayAnswer(request("b", 3), 1_099), "each device on its own");
        assertTrue(resyncs.mayAnswer(request("a", 3), 1_100));
        assertTrue(resyncs.mayAnswer(request("a", 3), 500), "a clock stepped back does not silence a device");
    }

    @Test
    void olderVersionsAreNeverAnswered() {
        assertFalse(resyncs.mayAnswer(request("a", 1), 0));
        assertFalse(resyncs.mayAnswer(request("a", 2), 1_000));
        assertTrue(resyncs.mayAnswer(request("a", 3), 1_000), "the refusals to older versions spent nothing");
    }

    @Test
    void theNakCarriesTheMark() {
        Nak nak = ResyncNaks.nak(42);
        assertEquals(Reason.STALE_SEQUENCE, nak.reason());
        assertEquals(42, nak.sequenceMark());
        assertTrue(ResyncNaks.isResync(nak));
        assertFalse(ResyncNaks.isResync(new Nak(Reason.UNKNOWN_LEASE, "x")));
    }
}
