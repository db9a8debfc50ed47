package net.dtm.protocol;

import java.util.Arrays;
import java.util.Objects;

import net.dtm.api.Pool;

/**
 * What an ENROL_REPLY says, once opened by the router it is sealed to. A grant carries the device's
 * credential (its 32-byte key), the pool to use ("" for the server's default) and whether the
 * enrolment key is now used up; a refusal carries nothing else, whatever the reason (uniform refusal).
 * {@link #toString()} never shows the device key.
 *
 * @param status    granted, refused, or try later (the server cannot decide now)
 * @param deviceKey the device key if granted, else empty
 * @param pool      the pool if granted (may be empty), else ""
 * @param keyUsedUp if granted: the enrolment key enrols no more, the router may delete its token file
 */
public record EnrolReply(Status status, byte[] deviceKey, String pool, boolean keyUsedUp) {

    /** The outcome, with its wire code. */
    public enum Status {
        /** Enrolled (or enrolled already by this router): the credential follows. */
        GRANTED(0),
        /** No, for whatever reason; the same answer for every reason. */
        REFUSED(1),
        /** The server cannot decide now (store unavailable, node draining): try again later or elsewhere. */
        TRY_LATER(2);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        /** Wire code. */
        public int code() {
            return code;
        }

        /** The status of wire code {@code code}, or null. */
        static Status ofCode(int code) {
            for (Status s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            return null;
        }
    }

    /** @throws IllegalArgumentException for a grant without a 32-byte key or with a bad pool name, or a refusal with content */
    public EnrolReply {
        Objects.requireNonNull(status, "status");
        if (status == Status.GRANTED) {
            if (deviceKey == null || deviceKey.length != Codec.KEY_LENGTH) {
                throw new IllegalArgumentException("a grant carries a " + Codec.KEY_LENGTH + "-byte device key");
            }
            Objects.requireNonNull(pool, "pool");
            if (!pool.isEmpty() && !Pool.isValidName(pool)) {
                throw new IllegalArgumentException("invalid pool name: " + pool);
            }
            deviceKey = deviceKey.clone();
        } else {
            if ((deviceKey != null && deviceKey.length != 0) || (pool != null && !pool.isEmpty()) || keyUsedUp) {
                throw new IllegalArgumentException(status + " carries no key, pool or key state");
            }
            deviceKey = new byte[0];
            pool = "";
        }
    }

    /** A grant of {@code deviceKey}. */
    public static EnrolReply granted(byte[] deviceKey, String pool, boolean keyUsedUp) {
        return new EnrolReply(Status.GRANTED, deviceKey, pool, keyUsedUp);
    }

    /** The uniform refusal. */
    public static EnrolReply refused() {
        return new EnrolReply(Status.REFUSED, null, null, false);
    }

    /** The server cannot decide now. */
    public static EnrolReply tryLater() {
        return new EnrolReply(Status.TRY_LATER, null, null, false);
    }

    /** A copy of the device key (empty unless granted). */
    @Override
    public byte[] deviceKey() {
        return deviceKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnrolReply r && status == r.status && Arrays.equals(deviceKey, r.deviceKey)
                && pool.equals(r.pool) && keyUsedUp == r.keyUsedUp;
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, Arrays.hashCode(deviceKey), pool, keyUsedUp);
    }

    /** Never the device key. */
    @Override
    public String toString() {
        return status == Status.GRANTED
                ? "EnrolReply[GRANTED, key ***, pool '" + pool + "'" + (keyUsedUp ? ", enrolment key used up" : "") + "]"
                : "EnrolReply[" + status + "]";
    }
}
