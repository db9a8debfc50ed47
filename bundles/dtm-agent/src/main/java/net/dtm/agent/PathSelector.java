package net.dtm.agent;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import net.dtm.api.OuterPath;
import net.dtm.spi.link.LinkState;

/**
 * Picks the link that carries the tunnel's outer packets: the best usable link by the transport's
 * own measurements, unmetered before metered. Sticky: every move rebuilds the tunnel, so the current
 * link is kept while it is usable unless another is healthy and unmetered where it is metered, clearly healthier
 * (the current one losing at least {@value #SICK_LOSS} while the other loses less than
 * {@value #CLEAN_LOSS}: a band, so estimates wandering around one threshold never flap the tunnel),
 * or more than twice as fast. The caller may allow such voluntary moves only now and then; a move
 * off a link that is no longer usable is never held back.
 * <p>
 * Tiers, best first: unmetered and healthy (up, measured loss below {@value #HEALTHY_LOSS}),
 * metered and healthy, unmetered, metered. Within a tier: the lower smoothed round trip (links not
 * measured yet after those measured), then the link id, so the choice is deterministic.
 */
public final class PathSelector {

    /** Loss estimate below which a link counts as healthy. */
    static final double HEALTHY_LOSS = 0.3;
    /** A current link losing this much or more may be left for a clean one. */
    static final double SICK_LOSS = 0.5;
    /** A faster link must also gain this much round trip (retransmissions inflate estimates on lossy links). */
    static final long MIN_GAIN_NANOS = 50_000_000L;
    /** Loss below which a link counts as clean enough to move to. */
    static final double CLEAN_LOSS = 0.2;

    /**
     * One link as the selector sees it.
     *
     * @param id      link id
     * @param state   driver state
     * @param enabled false when an operator disabled it
     * @param metered true when traffic costs per byte
     * @param address its local outer address, if bound
     * @param srtt    smoothed round trip, zero before the first sample
     * @param loss    loss estimate 0..1
     */
    public record Candidate(String id, LinkState state, boolean enabled, boolean metered,
                            Optional<InetSocketAddress> address, Duration srtt, double loss) {
        boolean usable() {
            return enabled && state != LinkState.DOWN && address.isPresent() && !address.get().getAddress().isAnyLocalAddress();
        }

        int tier() {
            // a clean metered link before a broken unmetered one; among equals, unmetered first
            return (healthy() ? 0 : 2) + (metered ? 1 : 0);
        }

        boolean healthy() {
            return state == LinkState.UP && loss < HEALTHY_LOSS;
        }

        long rttNanos() {
            return srtt.isZero() ? Long.MAX_VALUE : srtt.toNanos();
        }

        OuterPath path() {
            return new OuterPath(id, address.orElseThrow());
        }
    }

    private static final Comparator<Candidate> ORDER = Comparator.comparingInt(Candidate::tier)
            .thenComparingLong(Candidate::rttNanos).thenComparing(Candidate::id);

    /**
     * The path to use now.
     *
     * @param links   every link
     * @param current the path in use, if any
     * @return the chosen path, empty when no link is usable
     */
    public Optional<OuterPath> choose(List<Candidate> links, Optional<OuterPath> current) {
        return choose(links, current, true);
    }

    /**
     * The path to use now; with {@code voluntary} false, a usable current link is kept whatever
     * the others measure (its address may still change).
     */
    public Optional<OuterPath> choose(List<Candidate> links, Optional<OuterPath> current, boolean voluntary) {
        Optional<Candidate> best = links.stream().filter(Candidate::usable).min(ORDER);
        if (best.isEmpty()) {
            return Optional.empty();
        }
        if (current.isPresent()) {
            Optional<Candidate> now = links.stream()
                    .filter(c -> c.usable() && c.id().equals(current.get().linkId())).findFirst();
            if (now.isPresent() && (!voluntary || keep(now.get(), best.get()))) {
                return Optional.of(now.get().path()); // same link; its address may have changed
            }
        }
        return Optional.of(best.get().path());
    }

    private static boolean keep(Candidate current, Candidate best) {
        if (current.id().equals(best.id())) {
            return true;
        }
        if (current.metered() && !best.metered() && best.healthy()) {
            return false;
        }
        if (current.metered() == best.metered() && current.loss() >= SICK_LOSS && best.loss() < CLEAN_LOSS
                && best.state() == LinkState.UP) {
            return false;
        }
        long cur = current.rttNanos();
        long alt = best.rttNanos();
        return cur == Long.MAX_VALUE || alt == Long.MAX_VALUE || alt * 2 > cur || cur - alt < MIN_GAIN_NANOS;
    }
}
