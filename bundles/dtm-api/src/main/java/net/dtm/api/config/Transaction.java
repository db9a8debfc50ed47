package net.dtm.api.config;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One numbered entry of an end's history: one run of the safe transaction.
 *
 * @param end      interface name
 * @param number   1, 2, 3... per end, never reused
 * @param time     when it started
 * @param trigger  who or what asked, e.g. {@code tunnel established}, {@code operator admin},
 *                 {@code rollback to 7}, {@code reconcile at start}
 * @param intent   the intent applied, one line
 * @param diff     the field changes it made or would have made
 * @param commands the commands sent
 * @param result   how it ended
 * @param detail   the reason for a refusal or failure, or the rollback's re-verification
 * @param restored after a rollback: true if re-reading the device matched the snapshot taken before
 */
public record Transaction(String end, int number, Instant time, String trigger, String intent, List<String> diff,
                          List<String> commands, Result result, String detail, boolean restored) {

    /** Outcomes. */
    public enum Result {
        /** Running state already matched: nothing pushed, nothing saved. */
        NO_CHANGE,
        /** Applied, verified, confirmed. */
        CONFIRMED,
        /** Applied and verified; waiting for a confirmation before its timeout. */
        PENDING_CONFIRM,
        /** Refused at validation: nothing touched. */
        REFUSED,
        /** Applied, then undone (verification failed, device refused, or no confirmation in time); see {@code restored}. */
        ROLLED_BACK,
        /** The device could not be read or reached: nothing known to have changed. */
        FAILED
    }

    public Transaction {
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(intent, "intent");
        diff = List.copyOf(diff);
        commands = List.copyOf(commands);
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(detail, "detail");
    }
}
