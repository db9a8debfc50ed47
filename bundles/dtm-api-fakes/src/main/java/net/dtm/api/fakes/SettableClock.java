package net.dtm.api.fakes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock tests move by hand: set it, advance it, or move it forward to an instant. */
public final class SettableClock extends Clock {

    private volatile Instant now;

    public SettableClock(Instant start) {
        this.now = start;
    }

    /** Sets the clock to {@code t}, earlier or later. */
    public void set(Instant t) {
        now = t;
    }

    /** Moves the clock by {@code d}. */
    public void advance(Duration d) {
        now = now.plus(d);
    }

    /** Moves the clock to {@code t} if that is later; an earlier {@code t} leaves it where it is. */
    public void advanceTo(Instant t) {
        if (t.isAfter(now)) {
            now = t;
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
