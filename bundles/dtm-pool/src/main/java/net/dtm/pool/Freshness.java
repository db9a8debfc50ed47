package net.dtm.pool;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;

/**
 * The persisted replay rule of a device's requests, judged under the device's lock on the binding
 * just read: a request numbered below the binding's {@link Lease#deviceSequence()} is refused
 * {@code STALE_SEQUENCE} (a replay, or a device whose numbers went back: the refusal tells it the
 * mark); one equal to it is a copy of the request already applied (via another node, or before a
 * restart): answered from the binding, nothing written; one above it is applied, and the write
 * records it as the new mark. Operators' calls carry no number ({@link #NONE}) and are not judged.
 */
final class Freshness {

    /** No request number: an operator's call, not judged and never moving the mark. */
    static final long NONE = 0;

    private Freshness() {
    }

    /** A device's request number must be positive. */
    static long requireDeviceSequence(long request) {
        if (request < 1) {
            throw new DtmException(Reason.BAD_REQUEST, "request sequence " + request + " must be at least 1");
        }
        return request;
    }

    /**
     * Judges request {@code request} against {@code binding}.
     *
     * @return true if the request was already applied to it (answer, write nothing); false to apply
     * @throws DtmException STALE_SEQUENCE if it is older than the binding's mark
     */
    static boolean alreadyApplied(Lease binding, long request) {
        if (request == NONE) {
            return false;
        }
        if (request < binding.deviceSequence()) {
            throw DtmException.staleSequence(binding.device(), request, binding.deviceSequence());
        }
        return request == binding.deviceSequence();
    }

    /** Whether {@code request} would be refused against {@code binding} (no exception). */
    static boolean isStale(Lease binding, long request) {
        return request != NONE && request < binding.deviceSequence();
    }

    /** {@code next} with the mark moved to {@code request} (unchanged for {@link #NONE}). */
    static Lease applied(Lease next, long request) {
        return request == NONE ? next : next.withDeviceSequence(request);
    }
}
