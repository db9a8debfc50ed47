package net.dtm.api;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An enrolled device and its own 256-bit key, which authenticates and encrypts every control
 * message to and from it; whether the operator disabled it; and after a re-key, the key it had
 * before, still accepted until an instant the operator chose (the overlap in which the device
 * is given its new key). A device that enrolled itself with an enrolment key also has the public
 * key of the router that did ({@code routerKey}): that router alone can read its credential when
 * it asks again; another router may take the id over only while the operator allows re-enrolment
 * ({@code reenrolUntil}, e.g. a replaced router).
 *
 * @param device           the device
 * @param key              32 bytes; never logged
 * @param enrolledAt       when the operator enrolled it
 * @param disabled         true while the operator has disabled it: its requests are dropped
 * @param previousKey      the key before the last re-key (32 bytes), or null if none is kept; after a
 *                         re-key without overlap it is kept but no longer accepted
 * @param previousKeyUntil until when (exclusive) {@code previousKey} is accepted (the re-key instant if
 *                         not at all); null exactly when it is
 * @param routerKey        the X25519 public key (32 bytes) of the router that enrolled itself as
 *                         this device, or null for a device the operator enrolled (since 1.7)
 * @param reenrolUntil     until when (exclusive) the router may fetch its credential again without
 *                         an enrolment key, or another router take the id over with one; null if
 *                         not allowed (since 1.7)
 */
public record DeviceCredential(DeviceId device, byte[] key, Instant enrolledAt, boolean disabled,
                               byte[] previousKey, Instant previousKeyUntil, byte[] routerKey,
                               Instant reenrolUntil) {

    /** Key length in bytes. */
    public static final int KEY_LENGTH = 32;

    public DeviceCredential {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(enrolledAt, "enrolledAt");
        key = checkedKey(key, "device key");
        if ((previousKey == null) != (previousKeyUntil == null)) {
            throw new IllegalArgumentException("a previous key needs the instant until which it is accepted, and only then");
        }
        previousKey = previousKey == null ? null : checkedKey(previousKey, "previous device key");
        routerKey = routerKey == null ? null : checkedKey(routerKey, "router public key");
    }

    /** A device as of version 1.6: operator-enrolled, no re-enrolment. */
    public DeviceCredential(DeviceId device, byte[] key, Instant enrolledAt, boolean disabled,
                            byte[] previousKey, Instant previousKeyUntil) {
        this(device, key, enrolledAt, disabled, previousKey, previousKeyUntil, null, null);
    }

    /** An enabled device with one key. */
    public DeviceCredential(DeviceId device, byte[] key, Instant enrolledAt) {
        this(device, key, enrolledAt, false, null, null, null, null);
    }

    /**
     * An enabled device with one key that the router with public key {@code routerKey} enrolled itself.
     *
     * @since 1.7
     */
    public static DeviceCredential enrolledBy(DeviceId device, byte[] key, Instant enrolledAt, byte[] routerKey) {
        return new DeviceCredential(device, key, enrolledAt, false, null, null,
                java.util.Objects.requireNonNull(routerKey, "routerKey"), null);
    }

    private static byte[] checkedKey(byte[] key, String what) {
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(what + " must be " + KEY_LENGTH + " bytes");
        }
        return key.clone();
    }

    /** A copy of the key. */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** A copy of the previous key, or null if none is kept. */
    @Override
    public byte[] previousKey() {
        return previousKey == null ? null : previousKey.clone();
    }

    /** A copy of the enrolling router's public key, or null for an operator-enrolled device. */
    @Override
    public byte[] routerKey() {
        return routerKey == null ? null : routerKey.clone();
    }

    /** Whether the router's public key is {@code candidate} (false for an operator-enrolled device). */
    public boolean enrolledByRouter(byte[] candidate) {
        return routerKey != null && candidate != null && java.security.MessageDigest.isEqual(routerKey, candidate);
    }

    /** Whether re-enrolment is allowed at {@code now}. */
    public boolean reenrolAllowedAt(Instant now) {
        return reenrolUntil != null && now.isBefore(reenrolUntil);
    }

    /** This device with re-enrolment allowed until {@code until} (null: not allowed). @since 1.7 */
    public DeviceCredential withReenrolUntil(Instant until) {
        return new DeviceCredential(device, key, enrolledAt, disabled, previousKey, previousKeyUntil, routerKey, until);
    }

    /**
     * This device taken over by the router with public key {@code newRouterKey} and given
     * {@code newKey}: no previous key, re-enrolment no longer allowed. @since 1.7
     */
    public DeviceCredential reenrolledBy(byte[] newRouterKey, byte[] newKey) {
        return new DeviceCredential(device, newKey, enrolledAt, disabled, null, null, newRouterKey, null);
    }

    /** The previous key if it is still accepted at {@code now} (before {@link #previousKeyUntil}). */
    public Optional<byte[]> previousKeyAt(Instant now) {
        return previousKey != null && now.isBefore(previousKeyUntil) ? Optional.of(previousKey.clone()) : Optional.empty();
    }

    /**
     * This device with {@code newKey}; the current key becomes the previous key, accepted until
     * {@code previousUntil} (exclusive). A re-key without overlap passes the re-key instant: the old
     * key is then kept but not accepted, so a self-enrolled router that still holds it can be given its
     * new key (the reply is sealed with the key it holds). Null drops the current key altogether. A
     * previous key from an earlier re-key is dropped.
     */
    public DeviceCredential rekeyed(byte[] newKey, Instant previousUntil) {
        return new DeviceCredential(device, newKey, enrolledAt, disabled, previousUntil == null ? null : key, previousUntil,
                routerKey, reenrolUntil);
    }

    /** This device disabled ({@code true}) or enabled. */
    public DeviceCredential withDisabled(boolean disable) {
        return new DeviceCredential(device, key, enrolledAt, disable, previousKey, previousKeyUntil, routerKey, reenrolUntil);
    }

    /** The key as 64 hex digits, the form operators copy to a device. */
    public String keyHex() {
        return HexFormat.of().formatHex(key);
    }

    /** Parses 64 hex digits. @throws IllegalArgumentException if malformed */
    public static byte[] parseKey(String hex) {
        String h = hex == null ? "" : hex.trim();
        if (!h.matches("[0-9A-Fa-f]{" + (KEY_LENGTH * 2) + "}")) {
            throw new IllegalArgumentException("device key must be " + (KEY_LENGTH * 2) + " hex digits");
        }
        return HexFormat.of().parseHex(h);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceCredential c && c.device.equals(device) && Arrays.equals(c.key, key)
                && c.enrolledAt.equals(enrolledAt) && c.disabled == disabled && Arrays.equals(c.previousKey, previousKey)
                && Objects.equals(c.previousKeyUntil, previousKeyUntil) && Arrays.equals(c.routerKey, routerKey)
                && Objects.equals(c.reenrolUntil, reenrolUntil);
    }

    @Override
    public int hashCode() {
        return Objects.hash(device, Arrays.hashCode(key), enrolledAt, disabled, Arrays.hashCode(previousKey), previousKeyUntil,
                Arrays.hashCode(routerKey), reenrolUntil);
    }

    @Override
    public String toString() {
        return "DeviceCredential[" + device + ", enrolled " + enrolledAt + (disabled ? ", disabled" : "")
                + (previousKeyUntil == null ? "" : ", previous key until " + previousKeyUntil)
                + (routerKey == null ? "" : ", self-enrolled") + (reenrolUntil == null ? "" : ", re-enrolment until " + reenrolUntil)
                + "]";
    }
}
