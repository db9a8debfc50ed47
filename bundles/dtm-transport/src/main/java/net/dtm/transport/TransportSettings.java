package net.dtm.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the multi-link transport.
 *
 * @param initialRto      retransmission timeout of a link before any round trip was measured
 * @param minRto          lower clamp of the retransmission timeout
 * @param maxRto          upper clamp of the retransmission timeout (and of the backoff)
 * @param redundancyLoss  measured loss from which a link sends more than one copy per server
 * @param maxCopies       most copies of one datagram per link per server in one round
 * @param lossWeight      weight of each send outcome in the loss moving average (0..1]
 */
public record TransportSettings(Duration initialRto, Duration minRto, Duration maxRto, double redundancyLoss,
                                int maxCopies, double lossWeight) {
    public TransportSettings {
        Objects.requireNonNull(initialRto, "initialRto");
        Objects.requireNonNull(minRto, "minRto");
        Objects.requireNonNull(maxRto, "maxRto");
        if (minRto.isNegative() || minRto.compareTo(maxRto) > 0 || initialRto.isNegative() || initialRto.isZero()) {
            throw new IllegalArgumentException("need 0 <= minRto <= maxRto and initialRto > 0");
        }
        if (maxCopies < 1 || !(lossWeight > 0 && lossWeight <= 1) || !(redundancyLoss > 0 && redundancyLoss <= 1)) {
            throw new IllegalArgumentException("need maxCopies >= 1, 0 < lossWeight <= 1, 0 < redundancyLoss <= 1");
        }
    }

    /** 250 ms before the first sample, RTO within [20 ms, 3 s], redundancy from 20 % loss, at most 4 copies. */
    public static TransportSettings defaults() {
        return new TransportSettings(Duration.ofMillis(250), Duration.ofMillis(20), Duration.ofSeconds(3), 0.2, 4, 0.1);
    }

    /** The same settings with another redundancy limit (1 disables redundancy). */
    public TransportSettings withMaxCopies(int copies) {
        return new TransportSettings(initialRto, minRto, maxRto, redundancyLoss, copies, lossWeight);
    }
}
