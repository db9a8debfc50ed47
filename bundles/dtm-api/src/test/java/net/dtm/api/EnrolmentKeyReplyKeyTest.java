package net.dtm.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

/** {@link EnrolmentKey#replyKey()}: required, copied in and out, compared, never shown. */
class EnrolmentKeyReplyKeyTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    private static byte[] filled(int value) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static EnrolmentKey key(byte[] replyKey) {
        return new EnrolmentKey("k1a2b3c4", filled(1), replyKey, "depot", "bus-*", "", 2, 0, T, T.plusSeconds(60), false);
    }

    @Test
    void theReplyKeyIsRequiredAndThirtyTwoBytes() {
        assertThrows(IllegalArgumentException.class, () -> key(null));
        assertThrows(IllegalArgumentException.class, () -> key(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> key(new byte[33]));
    }

    @Test
    void itIsCopiedInAndOutAndKeptByEveryChange() {
        byte[] given = filled(7);
        EnrolmentKey k = key(given);
        given[0] = 0;
        assertArrayEquals(filled(7), k.replyKey(), "copied in");
        k.replyKey()[0] = 0;
        assertArrayEquals(filled(7), k.replyKey(), "copied out");
        assertArrayEquals(filled(7), k.withUse().replyKey());
        assertArrayEquals(filled(7), k.withUse().withoutUse().replyKey());
        assertArrayEquals(filled(7), k.asRevoked().replyKey());
    }

    @Test
    void itTakesPartInEqualityButNeverInTheText() {
        EnrolmentKey k = key(filled(7));
        assertEquals(key(filled(7)), k);
        assertEquals(key(filled(7)).hashCode(), k.hashCode());
        assertNotEquals(key(filled(8)), k);
        String hex = HexFormat.of().formatHex(filled(7));
        assertFalse(k.toString().contains(hex), k.toString());
        assertFalse(k.toString().toLowerCase().contains("0707"), k.toString());
        assertTrue(k.toString().contains("k1a2b3c4"));
    }
}
