package net.dtm.pool;

import java.net.InetAddress;
import java.util.Objects;

import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.Pool;

/**
 * The lease a device quotes in a CONFIRM, RENEW or RELEASE: the address (its own, or the inner
 * address of a delegated prefix) and the sequence it was told, and the request's own sequence
 * number ({@link Freshness}; 0 when the caller does not know it).
 */
record Quote(InetAddress address, long sequence, long request) {

    Quote {
        Objects.requireNonNull(address, "quotedAddress");
    }

    /** A quote whose request number is not known (no freshness check). */
    Quote(InetAddress address, long sequence) {
        this(address, sequence, Freshness.NONE);
    }

    /** Whether the device means {@code lease}, a binding of {@code pool}: the exact instance. */
    boolean matches(Lease lease, Pool pool) {
        return lease.isQuotedBy(address, pool.innerAddress(lease.address()), sequence);
    }

    /** The refusal when the device holds {@code held} instead. */
    DtmException staleAgainst(Lease held) {
        return DtmException.staleQuote(held, address, sequence);
    }
}
