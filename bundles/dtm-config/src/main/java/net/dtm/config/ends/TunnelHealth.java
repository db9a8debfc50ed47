package net.dtm.config.ends;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a confirmed router tunnel by probing through it; after {@code failures} probes in a row
 * go unanswered the tunnel's server is taken for gone (the node died, or its core end vanished) and
 * the agent is asked to re-home: establish again without releasing, keeping its address, served by
 * whichever node answers first. At most one re-home per {@code holdOff}, so a gateway that never
 * answers probes does not make the router establish in a loop.
 */
public final class TunnelHealth {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelHealth.class);

    private final String end;
    private final Function<Duration, Optional<Boolean>> probe;
    private final Runnable rehome;
    private final Clock clock;
    private final int failures;
    private final Duration holdOff;
    private int missed;
    private Instant lastRehome = Instant.MIN;

    /**
     * @param probe    probes the end within the given timeout: true answered, false unanswered, empty
     *                 when there is nothing to judge (no tunnel, a change in progress)
     * @param rehome   asks the agent to re-home
     * @param failures unanswered probes in a row that mean the tunnel is dead (at least 1)
     * @param holdOff  shortest time between two re-homes
     */
    public TunnelHealth(String end, Function<Duration, Optional<Boolean>> probe, Runnable rehome, Clock clock,
                        int failures, Duration holdOff) {
        this.end = Objects.requireNonNull(end, "end");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.rehome = Objects.requireNonNull(rehome, "rehome");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1");
        }
        this.failures = failures;
        this.holdOff = Objects.requireNonNull(holdOff, "holdOff");
    }

    /**
     * One check. @return true if it asked the agent to re-home
     */
    public synchronized boolean check(Duration timeout) {
        Optional<Boolean> answered = probe.apply(timeout);
        if (answered.isEmpty()) {
            return false;
        }
        if (answered.get()) {
            if (missed > 0) {
                LOG.info("{}: tunnel answers again after {} unanswered probes", end, missed);
            }
            missed = 0;
            return false;
        }
        missed++;
        if (missed < failures) {
            LOG.debug("{}: tunnel probe unanswered ({} of {})", end, missed, failures);
            return false;
        }
        Instant now = clock.instant();
        if (Duration.between(lastRehome, now).compareTo(holdOff) < 0) {
            return false;
        }
        lastRehome = now;
        missed = 0;
        LOG.warn("{}: {} tunnel probes unanswered in a row, the tunnel's server is taken for gone: re-homing", end, failures);
        rehome.run();
        return true;
    }
}
