package net.dtm.link.emulated;

import java.util.Objects;
import java.util.Optional;

import net.dtm.spi.link.LinkKind;

/**
 * How an emulated link behaves.
 *
 * @param id             link id, unique on the device
 * @param kind           the kind of link it pretends to be
 * @param rttMs          round trip added by the link; each direction is delayed by half of it
 * @param jitterMs       each one-way delay varies uniformly by up to this much either way
 * @param lossPercent    probability (0..100) that a datagram is dropped, applied to each direction
 *                       independently; ignored when {@code gilbertElliott} is set
 * @param seed           seed of the loss/jitter generator for repeatable runs; 0 picks a random seed
 * @param bindHost       local address the link's UDP socket binds to (port chosen by the system)
 * @param gilbertElliott bursty loss model applied to each direction with its own chain, or null for
 *                       independent loss
 * @param outages        scheduled outages, {@link OutageSchedule#NONE} for none
 */
public record EmulatedLinkSettings(String id, LinkKind kind, double rttMs, double jitterMs, double lossPercent,
                                   long seed, String bindHost, GilbertElliott.Params gilbertElliott,
                                   OutageSchedule outages) {
    public EmulatedLinkSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(outages, "outages");
        if (id.isBlank()) {
            throw new IllegalArgumentException("link id must not be blank");
        }
        if (!(rttMs >= 0) || !(jitterMs >= 0)) {
            throw new IllegalArgumentException("rtt and jitter must be >= 0 ms, got rtt=" + rttMs + " jitter=" + jitterMs);
        }
        if (!(lossPercent >= 0 && lossPercent <= 100)) {
            throw new IllegalArgumentException("loss must be within 0..100 %, got " + lossPercent);
        }
    }

    /** Independent loss, no scheduled outages. */
    public EmulatedLinkSettings(String id, LinkKind kind, double rttMs, double jitterMs, double lossPercent, long seed,
                                String bindHost) {
        this(id, kind, rttMs, jitterMs, lossPercent, seed, bindHost, null, OutageSchedule.NONE);
    }

    /** A clean link on loopback: no delay, no loss. */
    public static EmulatedLinkSettings clean(String id) {
        return new EmulatedLinkSettings(id, LinkKind.EMULATED, 0, 0, 0, 0, "127.0.0.1");
    }

    /** The bursty loss model, if one is configured. */
    public Optional<GilbertElliott.Params> burstLoss() {
        return Optional.ofNullable(gilbertElliott);
    }

    /** The same settings with another round trip time. */
    public EmulatedLinkSettings withRtt(double newRttMs) {
        return new EmulatedLinkSettings(id, kind, newRttMs, jitterMs, lossPercent, seed, bindHost, gilbertElliott, outages);
    }

    /** The same settings with another independent loss probability (and no bursty loss). */
    public EmulatedLinkSettings withLoss(double newLossPercent) {
        return new EmulatedLinkSettings(id, kind, rttMs, jitterMs, newLossPercent, seed, bindHost, null, outages);
    }

    /** The same settings with Gilbert–Elliott bursty loss instead of independent loss. */
    public EmulatedLinkSettings withBurstLoss(GilbertElliott.Params params) {
        return new EmulatedLinkSettings(id, kind, rttMs, jitterMs, lossPercent, seed, bindHost,
                Objects.requireNonNull(params, "params"), outages);
    }

    /** The same settings with scheduled outages. */
    public EmulatedLinkSettings withOutages(OutageSchedule schedule) {
        return new EmulatedLinkSettings(id, kind, rttMs, jitterMs, lossPercent, seed, bindHost, gilbertElliott, schedule);
    }

    /** The same settings with another seed. */
    public EmulatedLinkSettings withSeed(long newSeed) {
        return new EmulatedLinkSettings(id, kind, rttMs, jitterMs, lossPercent, newSeed, bindHost, gilbertElliott, outages);
    }

    /** The same settings with another jitter. */
    public EmulatedLinkSettings withJitter(double newJitterMs) {
        return new EmulatedLinkSettings(id, kind, rttMs, newJitterMs, lossPercent, seed, bindHost, gilbertElliott, outages);
    }
}
