package net.dtm.pool;

import java.net.InetAddress;
import java.util.Objects;

import net.dtm.api.DtmException;
import net.dtm.api.Lease;
import net.dtm.api.Pool;

/**
 * The lease a device quotes in a CONFIRM, RENEW or RELEASE: the address (its own, or the inner
 * address of a delegated prefix) and the sequence it was told.
 */
record Quote(InetAddress address, long sequence) {

    Quote {
        Objects.requireNonNull(address, "quotedAddress");
    }

    /** Whether the device means {@code lease}, a binding of {@code pool}. */
    boolean matches(Lease lease, Pool pool) {
        return lease.isQuotedBy(address, pool.innerAddress(lease.address()), sequence);
    }

    /** The refusal when the device holds {@code held} instead. */
    DtmException staleAgainst(Lease held) {
        return DtmException.staleQuote(held, address, sequence);
    }
}
