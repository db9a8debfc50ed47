package net.dtm.protocol;

/**
 * An ENROL as {@link EnrolCodec#decodeRequest(byte[])} read it: its structure is valid, its signature
 * not yet checked (that costs a signature verification: a server rate-limits before it asks).
 */
public final class ReceivedEnrol {

    private final EnrolRequest request;
    private final byte[] signed;
    private final byte[] signature;
    private volatile Boolean verifies;

    ReceivedEnrol(EnrolRequest request, byte[] signed, byte[] signature) {
        this.request = request;
        this.signed = signed;
        this.signature = signature;
    }

    /** What the request asks; not authenticated until {@link #signatureVerifies()}. */
    public EnrolRequest request() {
        return request;
    }

    /**
     * Whether the request's signature verifies under its enrolment public key, covering every byte before it
     * (header included): the sender holds that key's secret, and the device id, transaction and router key
     * are the ones it signed. False for a key fetch, which carries no signature. Computed once.
     */
    public boolean signatureVerifies() {
        Boolean v = verifies;
        if (v == null) {
            v = !request.keyFetch() && Curve25519.verify(request.enrolPublicKey(), signed, signature);
            verifies = v;
        }
        return v;
    }

    @Override
    public String toString() {
        return "ReceivedEnrol[" + request + "]";
    }
}
