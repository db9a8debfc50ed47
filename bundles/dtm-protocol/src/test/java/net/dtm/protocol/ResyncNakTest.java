package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException.Reason;

/** Wire version 3: the NAK's sequence mark, and a sequence source moved above it. */
class ResyncNakTest {

    private static final byte[] KEY = Samples.key(9);

    private static Envelope in(int version, Nak nak) {
        Envelope e = Samples.toDevice(11, nak);
        return new Envelope(e.direction(), e.device(), e.transactionId(), e.sequence(), nak, version);
    }

    @Test
    void aVersion3NakCarriesItsSequenceMark() throws Exception {
        Nak nak = new Nak(Reason.STALE_SEQUENCE, "stale", 1_764_000_000_123_456L);
        Nak back = (Nak) Codec.decode(Codec.encode(in(3, nak), KEY), KEY).body();
        assertEquals(nak, back);
        assertTrue(back.isResync());
        Nak plain = new Nak(Reason.UNKNOWN_LEASE, "no lease");
        assertEquals(plain, Codec.decode(Codec.encode(in(3, plain), KEY), KEY).body(), "mark 0 travels too");
        assertFalse(plain.isResync());
    }

    @Test
    void versions1And2NeverCarryAMarkOrTheNewReason() throws Exception {
        for (int version = 1; version <= 2; version++) {
            int v = version;
            assertThrows(IllegalArgumentException.class,
                    () -> Codec.encode(in(v, new Nak(Reason.STALE_SEQUENCE, "stale", 5)), KEY));
            assertThrows(IllegalArgumentException.class,
                    () -> Codec.encode(in(v, new Nak(Reason.UNKNOWN_LEASE, "x", 5)), KEY));
            Nak plain = new Nak(Reason.NO_POOL, "none");
            byte[] d = Codec.encode(in(v, plain), KEY);
            assertEquals(plain, Codec.decode(d, KEY).body());
            // byte for byte the old NAK: type, reason, text
            assertEquals(Codec.encode(in(v, plain), KEY).length, d.length);
        }
        // The v3 NAK is the v2 NAK plus 8 bytes.
        Nak plain = new Nak(Reason.NO_POOL, "none");
        assertEquals(Codec.encode(in(2, plain), KEY).length + 8, Codec.encode(in(3, plain), KEY).length);
    }

    @Test
    void aSourceAdvancedPastAMarkContinuesAboveIt() {
        SequenceSource s = new SequenceSource();
        long last = s.last();
        s.advancePast(last + 10);
        assertEquals(last + 11, s.next());
        s.advancePast(5);
        assertEquals(last + 12, s.next(), "never moves back");
        assertTrue(new SequenceSource().next() > last + 12, "a new source in this JVM starts above it too");
        assertThrows(IllegalArgumentException.class, () -> s.advancePast(Long.MAX_VALUE));
    }
}
