package net.dtm.protocol;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Random nonces from one thread's DRBG, reseeded from the system's entropy every
 * {@value #RESEED_COUNT} nonces and at least every {@value #RESEED_SECONDS} s, so a copy of the
 * process (e.g. a cloned VM) repeats its nonces for a bounded time at most. Not thread-safe: one per
 * thread.
 */
final class NonceSource {

    /** Nonces drawn between two reseeds at most. */
    static final long RESEED_COUNT = 1L << 16;
    /** Seconds between two reseeds at most. */
    static final long RESEED_SECONDS = 60;

    private final SecureRandom random;
    private final LongSupplier nanoTime;
    private final long maxCount;
    private final long maxNanos;
    private long drawn;
    private long seededAt;

    /** A source over a fresh DRBG, reseeded by the defaults. */
    NonceSource() {
        this(newRandom(), System::nanoTime, RESEED_COUNT, RESEED_SECONDS * 1_000_000_000L);
    }

    /**
     * @param random   the generator; its {@link SecureRandom#reseed()} takes fresh entropy
     * @param nanoTime the clock
     * @param maxCount nonces drawn between two reseeds at most
     * @param maxNanos nanoseconds between two reseeds at most
     */
    NonceSource(SecureRandom random, LongSupplier nanoTime, long maxCount, long maxNanos) {
        this.random = Objects.requireNonNull(random, "random");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        if (maxCount < 1 || maxNanos < 1) {
            throw new IllegalArgumentException("reseed count and interval must be positive");
        }
        this.maxCount = maxCount;
        this.maxNanos = maxNanos;
        this.seededAt = nanoTime.getAsLong();
    }

    /** Fills {@code nonce} with fresh random bytes, reseeding first when due. */
    void next(byte[] nonce) {
        long now = nanoTime.getAsLong();
        if (drawn >= maxCount || now - seededAt >= maxNanos) {
            try {
                random.reseed();
            } catch (UnsupportedOperationException e) {
                // the platform default (no DRBG): it mixes the system's entropy into every draw itself
            }
            drawn = 0;
            seededAt = now;
        }
        drawn++;
        random.nextBytes(nonce);
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException ex) {
            return new SecureRandom(); // every Java 9+ JVM has DRBG; the platform default is correct, only slower
        }
    }
}
