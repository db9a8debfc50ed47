package net.dtm.server.internal;

import java.util.concurrent.ConcurrentHashMap;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Nak;

/**
 * The authenticated resync of a device's sequence numbers: a request judged a replay (by the
 * node's window, or {@code stale-sequence} by the pool against the binding's persisted mark) may
 * be answered by a NAK {@code stale-sequence} carrying the mark (encrypted and MACed with the
 * device's key like every answer), so a device whose numbers went back (a router rebooted with its
 * clock behind) continues above it without an operator. Only to wire version 3 requests (older
 * agents cannot read the mark: their replays stay silently dropped), and at most one per device per
 * {@value #INTERVAL_MILLIS} ms, so a flood of replayed datagrams gets few small answers; the rest
 * are counted {@code dropped.replay}. Thread-safe.
 */
final class ResyncNaks {

    /** Least time between two resync NAKs to one device. */
    static final long INTERVAL_MILLIS = 100;
    /** Devices remembered before the stale ones are forgotten. */
    private static final int PRUNE_ABOVE = 65_536;

    private final ConcurrentHashMap<DeviceId, Long> lastSent = new ConcurrentHashMap<>();

    ResyncNaks() {
    }

    /** The resync NAK telling the device of {@code request} to continue above {@code mark}. */
    static Nak nak(long mark) {
        return new Nak(Reason.STALE_SEQUENCE, "sequence at or below " + mark + " already seen: continue above it", mark);
    }

    /** Whether {@code answer} is a resync NAK (from the pool's {@code stale-sequence} refusal). */
    static boolean isResync(Object answer) {
        return answer instanceof Nak nak && nak.reason() == Reason.STALE_SEQUENCE;
    }

    /**
     * Whether a resync NAK may answer {@code request} at {@code nowMillis}: its version reads the
     * mark and the device got none in the last {@value #INTERVAL_MILLIS} ms (if not, the caller
     * drops the request, counted {@code dropped.replay}).
     */
    boolean mayAnswer(Envelope request, long nowMillis) {
        boolean allowed = false;
        if (request.version() >= Codec.RESYNC_VERSION) {
            boolean[] granted = new boolean[1];
            lastSent.compute(request.device(), (d, last) -> {
                if (last == null || nowMillis - last >= INTERVAL_MILLIS || nowMillis < last) {
                    granted[0] = true;
                    return nowMillis;
                }
                return last;
            });
            allowed = granted[0];
            if (allowed && lastSent.size() > PRUNE_ABOVE) {
                lastSent.values().removeIf(t -> nowMillis - t >= INTERVAL_MILLIS);
            }
        }
        return allowed;
    }
}
