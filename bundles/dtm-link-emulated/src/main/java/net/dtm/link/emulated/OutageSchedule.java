package net.dtm.link.emulated;

/**
 * Scheduled outages of an emulated link: every {@code periodMs}, starting one period after the link
 * comes up, the link is DOWN for {@code durationMs} and drops everything, then UP again.
 * {@link #NONE} (both zero) means no scheduled outage.
 *
 * @param periodMs   time between the starts of two outages
 * @param durationMs how long each outage lasts, shorter than the period
 */
public record OutageSchedule(long periodMs, long durationMs) {

    /** No scheduled outages. */
    public static final OutageSchedule NONE = new OutageSchedule(0, 0);

    public OutageSchedule {
        boolean none = periodMs == 0 && durationMs == 0;
        if (!none && !(periodMs > 0 && durationMs > 0 && durationMs < periodMs)) {
            throw new IllegalArgumentException("outages need 0 < duration < period (or both 0 for none), got period="
                    + periodMs + " ms duration=" + durationMs + " ms");
        }
    }

    /** True if outages are scheduled. */
    public boolean enabled() {
        return periodMs > 0;
    }
}
