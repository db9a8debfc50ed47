package net.dtm.link.emulated;

import java.util.SplittableRandom;

/**
 * Bursty loss after Gilbert and Elliott: a two-state Markov chain (good, bad) with its own loss
 * probability in each state. One instance per direction of a link; it starts in the good state.
 * Each datagram draws exactly two numbers from the generator (loss, then transition), so a seeded
 * run is repeatable and the draw count does not depend on the outcome.
 */
public final class GilbertElliott {

    /**
     * The model's parameters, all probabilities in 0..1.
     *
     * @param pGoodBad probability of moving from good to bad after a datagram
     * @param pBadGood probability of moving from bad to good after a datagram (1 / mean bad-state length)
     * @param lossGood loss probability in the good state
     * @param lossBad  loss probability in the bad state
     */
    public record Params(double pGoodBad, double pBadGood, double lossGood, double lossBad) {
        public Params {
            check("p(good->bad)", pGoodBad);
            check("p(bad->good)", pBadGood);
            check("loss in good", lossGood);
            check("loss in bad", lossBad);
            if (pGoodBad > 0 && pBadGood == 0) {
                throw new IllegalArgumentException("p(bad->good) must be > 0 when p(good->bad) > 0: the bad state would never end");
            }
        }

        private static void check(String what, double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(what + " must be a probability within 0..1, got " + p);
            }
        }

        /**
         * The simple Gilbert model with a given long-run loss and mean loss-burst length: nothing
         * lost in the good state, everything in the bad one, p(bad->good) = 1 / meanBurst and
         * p(good->bad) = p(bad->good) * loss / (1 - loss).
         *
         * @param loss      long-run loss rate, 0 <= loss < 1
         * @param meanBurst mean number of consecutive losses, >= 1
         */
        public static Params ofLossAndBurst(double loss, double meanBurst) {
            if (!(loss >= 0 && loss < 1) || !(meanBurst >= 1)) {
                throw new IllegalArgumentException("need 0 <= loss < 1 and mean burst >= 1, got loss=" + loss
                        + " burst=" + meanBurst);
            }
            double pBadGood = 1.0 / meanBurst;
            return new Params(Math.min(1.0, pBadGood * loss / (1 - loss)), pBadGood, 0, 1);
        }

        /** Share of datagrams sent in the bad state in the long run. */
        public double stationaryBad() {
            double sum = pGoodBad + pBadGood;
            return sum == 0 ? 0 : pGoodBad / sum;
        }

        /** Long-run loss rate: pi(good) * loss(good) + pi(bad) * loss(bad). */
        public double stationaryLoss() {
            double bad = stationaryBad();
            return (1 - bad) * lossGood + bad * lossBad;
        }

        /** Mean number of consecutive datagrams spent in the bad state: 1 / p(bad->good). */
        public double meanBadRun() {
            return 1.0 / pBadGood;
        }
    }

    private final Params params;
    private boolean bad;

    public GilbertElliott(Params params) {
        this.params = java.util.Objects.requireNonNull(params, "params");
    }

    /** Decides the fate of one datagram and advances the chain. Not thread-safe: callers serialise. */
    public boolean drop(SplittableRandom random) {
        boolean lost = random.nextDouble() < (bad ? params.lossBad() : params.lossGood());
        double transition = random.nextDouble();
        if (bad) {
            bad = transition >= params.pBadGood();
        } else {
            bad = transition < params.pGoodBad();
        }
        return lost;
    }

    /** True while the chain is in the bad state. */
    public boolean bad() {
        return bad;
    }

    public Params params() {
        return params;
    }
}
