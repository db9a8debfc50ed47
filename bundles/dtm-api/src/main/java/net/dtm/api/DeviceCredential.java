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
 * is given its new key).
 *
 * @param device           the device
 * @param key              32 bytes; never logged
 * @param enrolledAt       when the operator enrolled it
 * @param disabled         true while the operator has disabled it: its requests are dropped
 * @param previousKey      the key before the last re-key (32 bytes), or null if none is accepted
 * @param previousKeyUntil until when (exclusive) {@code previousKey} is accepted; null exactly when it is
 */
public record DeviceCredential(DeviceId device, byte[] key, Instant enrolledAt, boolean disabled,
                               byte[] previousKey, Instant previousKeyUntil) {

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
    }

    /** An enabled device with one key. */
    public DeviceCredential(DeviceId device, byte[] key, Instant enrolledAt) {
        this(device, key, enrolledAt, false, null, null);
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

    /** The previous key if it is still accepted at {@code now} (before {@link #previousKeyUntil}). */
    public Optional<byte[]> previousKeyAt(Instant now) {
        return previousKey != null && now.isBefore(previousKeyUntil) ? Optional.of(previousKey.clone()) : Optional.empty();
    }

    /**
     * This device with {@code newKey}; the current key stays accepted until {@code previousUntil}
     * (null: not at all). A previous key from an earlier re-key is dropped.
     */
    public DeviceCredential rekeyed(byte[] newKey, Instant previousUntil) {
        return new DeviceCredential(device, newKey, enrolledAt, disabled, previousUntil == null ? null : key, previousUntil);
    }

    /** This device disabled ({@code true}) or enabled. */
    public DeviceCredential withDisabled(boolean disable) {
        return new DeviceCredential(device, key, enrolledAt, disable, previousKey, previousKeyUntil);
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
                && Objects.equals(c.previousKeyUntil, previousKeyUntil);
    }

    @Override
    public int hashCode() {
        return Objects.hash(device, Arrays.hashCode(key), enrolledAt, disabled, Arrays.hashCode(previousKey), previousKeyUntil);
    }

    @Override
    public String toString() {
        return "DeviceCredential[" + device + ", enrolled " + enrolledAt + (disabled ? ", disabled" : "")
                + (previousKeyUntil == null ? "" : ", previous key until " + previousKeyUntil) + "]";
    }
}
