package net.dtm.server.internal;

import java.util.Locale;
import java.util.Objects;

import net.dtm.api.DeviceCredential;
import net.dtm.api.EnrolmentKey;

/**
 * What the enrolment path decided about one ENROL, for the reply, the counters and the audit.
 *
 * @param result     what happened
 * @param reason     why it was refused or deferred ({@code unknown-key}, ...); empty otherwise
 * @param credential the device's credential now (granted, again, replaced, fetched); else null
 * @param previous   for a replacement, the record it replaced; else null
 * @param key        the enrolment key as it stands after this request (null if none was found)
 */
record EnrolOutcome(Result result, String reason, DeviceCredential credential, DeviceCredential previous,
                    EnrolmentKey key) {

    /** What happened to one ENROL. */
    enum Result {
        /** A new device was stored and its key handed out. */
        GRANTED,
        /** The device was already this router's: its current key handed out again, nothing written. */
        AGAIN,
        /** Another router's (or an operator's) device taken over while re-enrolment was allowed. */
        REPLACED,
        /** A key fetch (no enrolment key) of this router's own device while re-enrolment is allowed. */
        FETCHED,
        /** Refused: nothing written; the reply is the same whatever the reason. */
        REFUSED,
        /** Not decided now (store unavailable, node degraded or draining): the router tries again. */
        TRY_LATER
    }

    EnrolOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(reason, "reason");
    }

    static EnrolOutcome refused(String reason, EnrolmentKey key) {
        return new EnrolOutcome(Result.REFUSED, reason, null, null, key);
    }

    static EnrolOutcome tryLater(String reason) {
        return new EnrolOutcome(Result.TRY_LATER, reason, null, null, null);
    }

    /** Whether the router is handed a device key. */
    boolean grants() {
        return credential != null;
    }

    /**
     * The key the reply is sealed under, one the router holds and no one on its path does: for an ENROL
     * with a token, the enrolment key's reply key; for a key fetch, the device key the router holds (the
     * previous key after a re-key, kept even without overlap; else the current key). Null for a refusal,
     * which is not authenticated.
     */
    byte[] grantKey() {
        if (!grants()) {
            return null;
        }
        if (result == Result.FETCHED) {
            byte[] previous = credential.previousKey();
            return previous != null ? previous : credential.key();
        }
        return key.replyKey();
    }

    /** Whether the enrolment key can enrol no further device (the router may delete its token). */
    boolean keyUsedUp() {
        return key != null && key.usedUp();
    }

    /** The pool the router is told to use: the key's, empty for the server's default. */
    String pool() {
        return key == null ? "" : key.pool();
    }

    /** The counter of this outcome: {@code enrol.granted}, {@code enrol.refused.<reason>}, ... */
    String counter() {
        return switch (result) {
            case REFUSED -> "enrol.refused." + reason;
            case TRY_LATER -> "enrol.try-later";
            default -> "enrol." + result.name().toLowerCase(Locale.ROOT);
        };
    }
}
