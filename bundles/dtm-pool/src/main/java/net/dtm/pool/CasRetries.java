package net.dtm.pool;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;

/** How often a compare-and-set on one binding is retried, and the error when it keeps failing. */
final class CasRetries {

    /** Attempts of one change before it gives up. */
    static final int ATTEMPTS = 5;

    private CasRetries() {
    }

    /** The binding changed under every attempt (other nodes or requests writing it). */
    static DtmException keepsChanging(String pool, DeviceId device) {
        return new DtmException(Reason.STORE_UNAVAILABLE, "lease of device " + device + " in pool " + pool
                + " keeps changing under concurrent updates");
    }
}
