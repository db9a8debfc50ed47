package net.dtm.api;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An operator's enrolment key as the store keeps it: never its secret, only a verifier (the SHA-256
 * of the key's public half), so reading the store does not let anyone enrol. A router holding the
 * key's token proves possession of it in its ENROL request and is given its own device credential.
 *
 * @param id            the key's public identifier (part of the token; never secret)
 * @param verifier      32 bytes: SHA-256 of the key's Ed25519 public key
 * @param replyKey      32 bytes derived from the token's secret: authenticates the nodes' replies to
 *                      routers holding the token; reading it lets one forge replies to such routers,
 *                      not enrol (it is not the signing key); never in {@link #toString()}
 * @param label         the operator's note, e.g. "depot north buses"; may be empty
 * @param devicePattern which device ids may enrol with it: a glob over the id ({@code *} any run of
 *                      characters, {@code ?} one character), {@code *} for any
 * @param pool          the pool its devices are told to use; empty for the server's default
 * @param maxUses       how many devices it may enrol; 0 for no limit
 * @param uses          how many it has enrolled so far
 * @param createdAt     when the operator made it
 * @param expiresAt     when it stops enrolling (exclusive)
 * @param revoked       true once the operator revoked it: it enrols nothing more
 * @since 1.7
 */
public record EnrolmentKey(String id, byte[] verifier, byte[] replyKey, String label, String devicePattern, String pool,
                           int maxUses, int uses, Instant createdAt, Instant expiresAt, boolean revoked) {

    /** Verifier length in bytes (SHA-256). */
    public static final int VERIFIER_LENGTH = 32;
    /** Reply key length in bytes. */
    public static final int REPLY_KEY_LENGTH = 32;
    /** Longest label, in characters. */
    public static final int MAX_LABEL = 200;
    private static final Pattern ID = Pattern.compile("[a-z0-9]{4,32}");
    private static final Pattern GLOB = Pattern.compile("[A-Za-z0-9._:*?-]{1," + DeviceId.MAX_LENGTH + "}");

    public EnrolmentKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(devicePattern, "devicePattern");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!isValidId(id)) {
            throw new IllegalArgumentException("enrolment key id must be 4 to 32 lower-case letters or digits: " + id);
        }
        if (verifier == null || verifier.length != VERIFIER_LENGTH) {
            throw new IllegalArgumentException("enrolment key verifier must be " + VERIFIER_LENGTH + " bytes");
        }
        verifier = verifier.clone();
        if (replyKey == null || replyKey.length != REPLY_KEY_LENGTH) {
            throw new IllegalArgumentException("enrolment reply key must be " + REPLY_KEY_LENGTH + " bytes");
        }
        replyKey = replyKey.clone();
        if (label.length() > MAX_LABEL || label.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("enrolment key label must be at most " + MAX_LABEL
                    + " characters without control characters");
        }
        checkPattern(devicePattern);
        if (!pool.isEmpty() && !Pool.isValidName(pool)) {
            throw new IllegalArgumentException("invalid pool name: " + pool);
        }
        if (maxUses < 0 || uses < 0) {
            throw new IllegalArgumentException("uses must not be negative: max " + maxUses + ", used " + uses);
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("an enrolment key must expire after it is created");
        }
    }

    /** Whether {@code id} is a well-formed enrolment key id. */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * Checks a device-id glob.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkPattern(String glob) {
        if (glob == null || !GLOB.matcher(glob).matches()) {
            throw new IllegalArgumentException("device pattern must be 1 to " + DeviceId.MAX_LENGTH
                    + " device-id characters (letters, digits, . _ : -) with * and ?: " + glob);
        }
        return glob;
    }

    /** A copy of the verifier. */
    @Override
    public byte[] verifier() {
        return verifier.clone();
    }

    /** A copy of the reply key. */
    @Override
    public byte[] replyKey() {
        return replyKey.clone();
    }

    /** Whether {@code device} matches the key's device pattern. */
    public boolean matches(DeviceId device) {
        return globMatches(devicePattern, 0, device.value(), 0);
    }

    private static boolean globMatches(String p, int pi, String s, int si) {
        // iterative glob with backtracking on the last star: linear for the patterns operators write
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    /** Whether it has enrolled as many devices as it may. */
    public boolean usedUp() {
        return maxUses > 0 && uses >= maxUses;
    }

    /** Whether it may enrol a new device at {@code now}: not revoked, not expired, not used up. */
    public boolean usableAt(Instant now) {
        return !revoked && now.isBefore(expiresAt) && !usedUp();
    }

    /** Whether it still proves a router's claim at {@code now} (not revoked or expired), used up or not. */
    public boolean validAt(Instant now) {
        return !revoked && now.isBefore(expiresAt);
    }

    /** This key with one more use. */
    public EnrolmentKey withUse() {
        return new EnrolmentKey(id, verifier, replyKey, label, devicePattern, pool, maxUses, uses + 1, createdAt, expiresAt,
                revoked);
    }

    /** This key with one use fewer (a use taken back after a lost race). */
    public EnrolmentKey withoutUse() {
        return new EnrolmentKey(id, verifier, replyKey, label, devicePattern, pool, maxUses, Math.max(0, uses - 1), createdAt,
                expiresAt, revoked);
    }

    /** This key revoked. */
    public EnrolmentKey asRevoked() {
        return new EnrolmentKey(id, verifier, replyKey, label, devicePattern, pool, maxUses, uses, createdAt, expiresAt, true);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnrolmentKey k && k.id.equals(id) && Arrays.equals(k.verifier, verifier)
                && Arrays.equals(k.replyKey, replyKey)
                && k.label.equals(label) && k.devicePattern.equals(devicePattern) && k.pool.equals(pool)
                && k.maxUses == maxUses && k.uses == uses && k.createdAt.equals(createdAt)
                && k.expiresAt.equals(expiresAt) && k.revoked == revoked;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(verifier), Arrays.hashCode(replyKey), label, devicePattern, pool, maxUses, uses,
                createdAt, expiresAt, revoked);
    }

    @Override
    public String toString() {
        return "EnrolmentKey[" + id + (label.isEmpty() ? "" : " \"" + label + "\"") + ", devices " + devicePattern
                + (pool.isEmpty() ? "" : ", pool " + pool) + ", uses " + uses + "/" + (maxUses == 0 ? "unlimited" : maxUses)
                + ", expires " + expiresAt + (revoked ? ", revoked" : "") + "]";
    }
}
