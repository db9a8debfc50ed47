package net.dtm.transport;

import java.util.concurrent.TimeUnit;

/**
 * When a link sends the next round of a request, and how many copies: plain arithmetic on what the
 * link knows, no clock and no state of its own.
 *
 * <p>A round is <em>brisk</em> while the request is young on that link (at most {@value #BRISK_ROUNDS}
 * rounds and {@link #BRISK_NANOS} since its first send there) and either the link is cold (no round
 * trip measured yet) or it is lossy and a server of the request was heard from recently. Brisk
 * rounds follow each other at the link's RTO without doubling (random loss is not congestion: the
 * server answers, its answers are lost), and from the third round on an unanswered round sends more
 * copies (twice, then four times the link's count, up to the most allowed). Every other round backs
 * off exponentially as before, counting only the rounds after the brisk ones, so a silent server
 * (dead or overloaded) still sees the interval double after at most one brisk second.
 *
 * <p>At 0 % loss nothing changes: a cold link's first copy is answered before its RTO and no second
 * round is sent.
 */
final class Retransmission {

    /** Longest time a request stays brisk on a link after its first send there. */
    static final long BRISK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Most brisk rounds of a request on a link (its first round included). */
    static final int BRISK_ROUNDS = 8;
    /** Longest silence of every server of a request after which a lossy link no longer retransmits briskly. */
    static final long ALIVE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private Retransmission() {
    }

    /**
     * True if round {@code round} (0 = the first) of a request on a link is brisk.
     *
     * @param cold         the link has no round-trip sample yet
     * @param lossy        the link's loss estimate is at or above the redundancy threshold
     * @param serverAlive  a server of the request answered anything within {@link #ALIVE_NANOS}
     * @param round        rounds of this request already sent on the link before this one
     * @param elapsedNanos time since the request's first send on the link (0 for the first round)
     */
    static boolean brisk(boolean cold, boolean lossy, boolean serverAlive, int round, long elapsedNanos) {
        return (cold || (lossy && serverAlive)) && round < BRISK_ROUNDS && elapsedNanos < BRISK_NANOS;
    }

    /**
     * Copies per server of round {@code round}: the link's own count, doubled from the third brisk
     * round on (twice in the third, four times from the fourth), at most {@code maxCopies}.
     */
    static int copies(int linkCopies, int maxCopies, int round, boolean brisk) {
        if (!brisk || round < 2) {
            return linkCopies;
        }
        int shift = Math.min(round - 1, 2);
        return Math.max(linkCopies, Math.min(maxCopies, linkCopies << shift));
    }

    /**
     * Time until the next round: the RTO after a brisk round, else the RTO doubled per backed-off
     * round already sent before this one ({@code backedOff}), at most {@code maxRtoNanos}.
     */
    static long interval(long rtoNanos, long maxRtoNanos, boolean brisk, int backedOff) {
        if (brisk) {
            return Math.min(maxRtoNanos, rtoNanos);
        }
        int shift = Math.min(backedOff, 16);
        return Math.min(maxRtoNanos, rtoNanos << shift);
    }
}
