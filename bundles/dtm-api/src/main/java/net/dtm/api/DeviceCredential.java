package net.dtm.api;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An enrolled device and its own 256-bit key, which authenticates and encrypts every control
 * message to and from it.
 *
 * @param device     the device
 * @param key        32 bytes; never logged
 * @param enrolledAt when the operator enrolled it
 */
public record DeviceCredential(DeviceId device, byte[] key, Instant enrolledAt) {

    /** Key length in bytes. */
    public static final int KEY_LENGTH = 32;

    public DeviceCredential {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(enrolledAt, "enrolledAt");
        if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("device key must be " + KEY_LENGTH + " bytes");
        }
        key = key.clone();
    }

    /** A copy of the key. */
    @Override
    public byte[] key() {
        return key.clone();
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
                && c.enrolledAt.equals(enrolledAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(device, Arrays.hashCode(key), enrolledAt);
    }

    @Override
    public String toString() {
        return "DeviceCredential[" + device + ", enrolled " + enrolledAt + "]";
    }
}
