package net.dtm.protocol;

/** Message types and their stable wire codes. */
public enum MessageType {
    ESTABLISH(1), PARAMS(2), CONFIRM(3), RENEW(4), RELEASE(5), NAK(6), ACK(7),
    /** Version 2 only: the tunnel's outer path moved (see {@link PathUpdate}). */
    PATH(8),
    /**
     * Version 4 only: a router asks for its own device credential with an enrolment token (or fetches it
     * again); in clear and signed, not sealed with a device key: see {@link EnrolCodec}.
     */
    ENROL(9),
    /** Version 4 only: the answer to an ENROL, sealed to the router's own key: see {@link EnrolCodec}. */
    ENROL_REPLY(10);

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** Wire code. */
    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for an unknown code */
    public static MessageType fromCode(int code) {
        for (MessageType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown message type " + code);
    }
}
