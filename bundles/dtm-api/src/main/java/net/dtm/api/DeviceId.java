package net.dtm.api;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Identity of an enrolled device (an SMR): 1 to 64 characters of {@code [A-Za-z0-9._:-]}.
 *
 * @param value the identifier as the operator enrolled it
 */
public record DeviceId(String value) implements Comparable<DeviceId> {

    /** Longest identifier accepted, in characters (and bytes: the alphabet is ASCII). */
    public static final int MAX_LENGTH = 64;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");

    /**
     * @throws IllegalArgumentException if {@code value} is null or not a valid identifier
     */
    public DeviceId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid device id '" + value
                    + "': expected 1-" + MAX_LENGTH + " characters of A-Z a-z 0-9 . _ : -");
        }
    }

    /** Shorthand for {@code new DeviceId(value)}. */
    public static DeviceId of(String value) {
        return new DeviceId(value);
    }

    /** The identifier's ASCII bytes, as carried on the wire. */
    public byte[] bytes() {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public int compareTo(DeviceId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
