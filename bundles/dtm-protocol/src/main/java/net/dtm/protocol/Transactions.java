package net.dtm.protocol;

import java.security.SecureRandom;

/** Transaction identifiers. */
public final class Transactions {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Transactions() {
    }

    /**
     * A new transaction id: 64 random bits from a {@link SecureRandom}, never zero (zero is free
     * for callers to mean "none"). Unpredictable, so a peer cannot pre-empt another's transaction.
     */
    public static long newId() {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0);
        return id;
    }
}
