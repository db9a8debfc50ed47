package net.dtm.protocol;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;

/**
 * What an ENROL asks (nothing in it is secret): the device id the router claims, the enrolment key it
 * proves possession of (its id and Ed25519 public key), and the router's own X25519 public key, to which
 * the reply is sealed. A key fetch carries no enrolment key: a router that enrolled itself asks for its
 * current credential again ({@code keyId} "" and an empty {@code enrolPublicKey}).
 *
 * @param device         the device id the router enrols as
 * @param transactionId  random per request; the reply carries it
 * @param sequence       the router's sequence number
 * @param keyId          the enrolment key's id, or "" for a key fetch
 * @param enrolPublicKey the enrolment key's raw 32-byte Ed25519 public key, or empty for a key fetch
 * @param routerKey      the router's raw 32-byte X25519 public key
 */
public record EnrolRequest(DeviceId device, long transactionId, long sequence, String keyId, byte[] enrolPublicKey,
                           byte[] routerKey) {

    /** @throws IllegalArgumentException if a key has the wrong length or the key id is malformed */
    public EnrolRequest {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(enrolPublicKey, "enrolPublicKey");
        Objects.requireNonNull(routerKey, "routerKey");
        if (!keyId.isEmpty() && !EnrolmentKey.isValidId(keyId)) {
            throw new IllegalArgumentException("enrolment key id must be empty (key fetch) or 4 to 32 lower-case letters or digits");
        }
        int expected = keyId.isEmpty() ? 0 : Curve25519.KEY_LENGTH;
        if (enrolPublicKey.length != expected) {
            throw new IllegalArgumentException("enrolment public key must be " + expected + " bytes"
                    + (keyId.isEmpty() ? " in a key fetch" : "") + ", got " + enrolPublicKey.length);
        }
        if (routerKey.length != Curve25519.KEY_LENGTH) {
            throw new IllegalArgumentException("router key must be " + Curve25519.KEY_LENGTH + " bytes, got " + routerKey.length);
        }
        enrolPublicKey = enrolPublicKey.clone();
        routerKey = routerKey.clone();
    }

    /** True for a key fetch: no enrolment key, only the router's own. */
    public boolean keyFetch() {
        return keyId.isEmpty();
    }

    /** A copy of the enrolment public key (empty for a key fetch). */
    @Override
    public byte[] enrolPublicKey() {
        return enrolPublicKey.clone();
    }

    /** A copy of the router's public key. */
    @Override
    public byte[] routerKey() {
        return routerKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnrolRequest r && device.equals(r.device) && transactionId == r.transactionId
                && sequence == r.sequence && keyId.equals(r.keyId) && Arrays.equals(enrolPublicKey, r.enrolPublicKey)
                && Arrays.equals(routerKey, r.routerKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(device, transactionId, sequence, keyId, Arrays.hashCode(enrolPublicKey), Arrays.hashCode(routerKey));
    }

    @Override
    public String toString() {
        return "EnrolRequest[" + device + ", transaction " + Long.toHexString(transactionId) + ", sequence " + sequence
                + (keyFetch() ? ", key fetch" : ", key " + keyId) + ", router " + HexFormat.of().formatHex(routerKey, 0, 8) + "…]";
    }
}
