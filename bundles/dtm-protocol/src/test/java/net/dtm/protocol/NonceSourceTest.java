package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class NonceSourceTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private int reseeds;
    private final SecureRandom random = new SecureRandom() {
        @Override
        public void reseed() {
            reseeds++;
        }
    };

    @Test
    void reseedsAfterSoManyNonces() {
        NonceSource nonces = new NonceSource(random, now::get, 10, Long.MAX_VALUE);
        byte[] nonce = new byte[12];
        for (int i = 0; i < 10; i++) {
            nonces.next(nonce);
        }
        assertEquals(0, reseeds);
        nonces.next(nonce);
        assertEquals(1, reseeds, "the 11th nonce comes after a reseed");
        for (int i = 0; i < 9; i++) {
            nonces.next(nonce);
        }
        assertEquals(1, reseeds);
        nonces.next(nonce);
        assertEquals(2, reseeds);
    }

    @Test
    void reseedsAfterSoLong() {
        NonceSource nonces = new NonceSource(random, now::get, Long.MAX_VALUE, 1_000);
        byte[] nonce = new byte[12];
        nonces.next(nonce);
        now.addAndGet(999);
        nonces.next(nonce);
        assertEquals(0, reseeds);
        now.addAndGet(1);
        nonces.next(nonce);
        assertEquals(1, reseeds);
        nonces.next(nonce);
        assertEquals(1, reseeds, "the interval starts again at the reseed");
    }

    @Test
    void aRealDrbgIsReseededFromTheSystemsEntropyAndGivesDistinctNonces() throws Exception {
        NonceSource nonces = new NonceSource(SecureRandom.getInstance("DRBG"), now::get, 2, Long.MAX_VALUE);
        byte[] a = new byte[12];
        byte[] b = new byte[12];
        nonces.next(a);
        nonces.next(b);
        nonces.next(b);   // a real reseed from the system's entropy
        assertFalse(Arrays.equals(a, b));
        assertThrows(IllegalArgumentException.class, () -> new NonceSource(random, now::get, 0, 1));
    }
}
