package net.dtm.protocol;

import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/**
 * A "random" source that hands out one given 32-byte value, once: fed to the JDK's Ed25519 or X25519
 * key-pair generator, it makes the key pair of that private seed or scalar (the JDK has no other way to
 * derive a public key from a raw private key). Any other request is a programming error.
 */
final class SeededRandom extends SecureRandom {

    private static final long serialVersionUID = 1L;

    SeededRandom(byte[] seed) {
        super(new Spi(seed.clone()), null);
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private byte[] seed;

        Spi(byte[] seed) {
            this.seed = seed;
        }

        @Override
        protected void engineSetSeed(byte[] ignored) {
            // the value is fixed
        }

        @Override
        protected synchronized void engineNextBytes(byte[] bytes) {
            if (seed == null || bytes.length != seed.length) {
                throw new IllegalStateException("a seeded key generator asked for " + bytes.length
                        + " bytes " + (seed == null ? "a second time" : "instead of " + seed.length));
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
            java.util.Arrays.fill(seed, (byte) 0);
            seed = null;
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            throw new IllegalStateException("a seeded key generator asked for fresh entropy");
        }
    }
}
