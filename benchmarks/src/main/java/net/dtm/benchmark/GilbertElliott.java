package net.dtm.benchmark;

import java.util.SplittableRandom;

/**
 * A two-state Gilbert–Elliott loss process, one decision per datagram: in the good state nothing
 * is lost, in the bad state everything is, so losses come in bursts. The transition probabilities
 * are chosen so the long-run loss rate is {@code lossPercent} and a burst lasts
 * {@code meanBurst} datagrams on average: p(bad→good) = 1 / meanBurst, p(good→bad) =
 * p(bad→good) · loss / (1 − loss). The first state is drawn from the stationary distribution, so
 * the very first datagram is already lost with the configured probability. Seeded: the same seed
 * and the same number of calls give the same decisions. Not thread-safe; callers synchronise.
 */
final class GilbertElliott {

    private final double goodToBad;
    private final double badToGood;
    private final SplittableRandom random;
    private boolean bad;

    /**
     * @param lossPercent long-run share of lost datagrams, 0..100
     * @param meanBurst   mean number of datagrams lost in a row, at least 1; raised where the loss
     *                    rate cannot otherwise be reached (loss / (1 − loss) datagrams)
     * @param seed        generator seed
     */
    GilbertElliott(double lossPercent, double meanBurst, long seed) {
        if (!(lossPercent >= 0 && lossPercent <= 100)) {
            throw new IllegalArgumentException("loss must be within 0..100 %, got " + lossPercent);
        }
        if (!(meanBurst >= 1)) {
            throw new IllegalArgumentException("mean burst must be >= 1 datagram, got " + meanBurst);
        }
        double p = lossPercent / 100.0;
        this.random = new SplittableRandom(seed);
        if (p >= 1) {
            goodToBad = 1;
            badToGood = 0;
        } else {
            double burst = Math.max(meanBurst, p / (1 - p));
            badToGood = 1 / burst;
            goodToBad = Math.min(1, badToGood * p / (1 - p));
        }
        this.bad = p > 0 && random.nextDouble() < p;
    }

    /** Decides the fate of the next datagram: true to drop it. */
    boolean drop() {
        boolean lost = bad;
        double draw = random.nextDouble();
        bad = bad ? draw >= badToGood : draw < goodToBad;
        return lost;
    }
}
