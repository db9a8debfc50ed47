package net.dtm.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkState;

/** The transport's state for one link: RTT estimator (RFC 6298), loss estimate and counters. */
final class LinkEntry {

    /** Clock granularity term G of RFC 6298. */
    private static final long GRANULARITY_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    final LinkDriver driver;
    final LinkUsage usage;
    private final TransportSettings settings;

    final AtomicLong datagramsSent = new AtomicLong();
    final AtomicLong bytesSent = new AtomicLong();
    final AtomicLong datagramsReceived = new AtomicLong();
    final AtomicLong bytesReceived = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong unsolicited = new AtomicLong();
    final AtomicLong sendErrors = new AtomicLong();

    volatile boolean removed;
    /** False while an operator has disabled the link (by id). */
    volatile boolean enabled = true;

    private long srttNanos = -1;
    private long rttvarNanos;
    /** True while the estimate comes only from upper bounds ({@link #rttUpperBound}). */
    private boolean tentative;
    private double loss;

    LinkEntry(LinkDriver driver, LinkUsage usage, TransportSettings settings) {
        this.driver = driver;
        this.usage = usage;
        this.settings = settings;
    }

    /** Present, enabled and reported up or degraded by its driver (the backup policy comes on top). */
    boolean usable() {
        if (removed || !enabled) {
            return false;
        }
        LinkState s = state();
        return s == LinkState.UP || s == LinkState.DEGRADED;
    }

    /** The driver's state; a driver that throws counts as down. */
    LinkState state() {
        try {
            LinkState s = driver.state();
            return s == null ? LinkState.DOWN : s;
        } catch (RuntimeException e) {
            return LinkState.DOWN;
        }
    }

    boolean metered() {
        try {
            return driver.metered();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** An unmetered, non-backup link that is enabled, UP and loses less than {@code maxLoss}: backups stay idle. */
    boolean goodPrimary(double maxLoss) {
        return usage != LinkUsage.BACKUP && !removed && enabled && state() == LinkState.UP && !metered()
                && loss() < maxLoss;
    }

    /** An unambiguous round trip (an answer to a round sent alone): it also replaces a tentative estimate. */
    synchronized void rttSample(long sampleNanos) {
        if (sampleNanos < 0) {
            return;
        }
        if (srttNanos < 0 || tentative) {
            srttNanos = sampleNanos;
            rttvarNanos = sampleNanos / 2;
            tentative = false;
        } else {
            rttvarNanos = (3 * rttvarNanos + Math.abs(srttNanos - sampleNanos)) / 4;
            srttNanos = (7 * srttNanos + sampleNanos) / 8;
        }
    }

    /**
     * An answer that came after retransmissions, timed from the first send: the round trip was at
     * most this. Without an estimate it becomes a tentative one (too long if the first copies were
     * lost; never too short, so a GEO link does not retransmit early), replaced by the next
     * unambiguous sample; a tentative estimate above it is replaced by it, a settled one above it
     * takes it as a sample. It never raises an estimate.
     */
    synchronized void rttUpperBound(long boundNanos) {
        if (boundNanos < 0) {
            return;
        }
        if (srttNanos < 0 || (tentative && boundNanos < srttNanos)) {
            srttNanos = boundNanos;
            rttvarNanos = boundNanos / 2;
            tentative = true;
        } else if (boundNanos < srttNanos) {
            rttvarNanos = (3 * rttvarNanos + (srttNanos - boundNanos)) / 4;
            srttNanos = (7 * srttNanos + boundNanos) / 8;
        }
    }

    /** True while the estimate rests only on answers that came after retransmissions. */
    synchronized boolean tentativeRtt() {
        return tentative;
    }

    synchronized boolean hasRttSample() {
        return srttNanos >= 0;
    }

    synchronized long srttNanos() {
        return Math.max(0, srttNanos);
    }

    synchronized long rtoNanos() {
        long rto = srttNanos < 0 ? settings.initialRto().toNanos()
                : srttNanos + Math.max(GRANULARITY_NANOS, 4 * rttvarNanos);
        if (srttNanos >= 0 && loss >= settings.redundancyLoss()) {
            // On a lossy link waiting out the variance costs more than a spare copy: retransmit
            // soon after the answer is due.
            rto = Math.min(rto, srttNanos + Math.max(GRANULARITY_NANOS, srttNanos / 4));
        } else if (srttNanos >= 0) {
            // On a clean link a retransmission is almost always spurious (the server took longer
            // than usual): give it twice the round trip before sending again.
            rto = Math.max(rto, 2 * srttNanos);
        }
        return Math.min(settings.maxRto().toNanos(), Math.max(settings.minRto().toNanos(), rto));
    }

    /** Feeds send outcomes into the loss moving average. */
    synchronized void lossOutcomes(int answered, int lost) {
        double w = settings.lossWeight();
        for (int i = 0; i < answered; i++) {
            loss = (1 - w) * loss;
        }
        for (int i = 0; i < lost; i++) {
            loss = (1 - w) * loss + w;
        }
    }

    synchronized double loss() {
        return loss;
    }

    /**
     * Copies per server so that the chance all copies of a round are lost stays near 5 %; one copy on a
     * clean link.
     */
    int copies() {
        double l = loss();
        if (l < settings.redundancyLoss() || settings.maxCopies() == 1) {
            return 1;
        }
        int k = l >= 0.999 ? settings.maxCopies() : (int) Math.ceil(Math.log(0.05) / Math.log(l));
        return Math.max(2, Math.min(settings.maxCopies(), k));
    }

    LinkStats stats() {
        return new LinkStats(driver.id(), driver.kind(), removed ? LinkState.DOWN : state(),
                Duration.ofNanos(srttNanos()), Duration.ofNanos(rtoNanos()), loss(), copies(),
                datagramsSent.get(), bytesSent.get(), datagramsReceived.get(), bytesReceived.get(),
                duplicates.get(), unsolicited.get(), sendErrors.get());
    }
}
