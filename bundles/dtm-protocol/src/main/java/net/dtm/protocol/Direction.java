package net.dtm.protocol;

/**
 * Which way a message travels. Part of the authenticated header, so a message can never be
 * reflected back to its sender as if the peer had sent it.
 */
public enum Direction {
    /** Device (agent) to server. */
    TO_SERVER(1),
    /** Server to device. */
    TO_DEVICE(2);

    private final int code;

    Direction(int code) {
        this.code = code;
    }

    /** Wire code. */
    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for an unknown code */
    public static Direction fromCode(int code) {
        for (Direction d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown direction " + code);
    }
}
