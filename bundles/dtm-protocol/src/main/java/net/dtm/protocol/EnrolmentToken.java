package net.dtm.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

import net.dtm.api.EnrolmentKey;

/**
 * An enrolment token, {@code dtmek1-<id>-<secret>}: what an operator gives routers so they can enrol
 * themselves. The id names the enrolment key; the secret is the base64url (no padding) of a 32-byte
 * Ed25519 private-key seed, with which the router signs its ENROL request. The server keeps only the
 * {@link #verifier()} (SHA-256 of the public key), so what it stores cannot enrol anything.
 *
 * <p>{@link #toString()} and every error message leave the secret out; only {@link #token()} shows it.
 */
public final class EnrolmentToken {

    /** The text every token starts with (its format version). */
    public static final String PREFIX = "dtmek1";
    /** Length of the id of a {@linkplain #generate(SecureRandom) generated} token. */
    public static final int ID_LENGTH = 12;
    private static final int SECRET_CHARS = 43; // base64url of 32 bytes without padding
    /** HKDF info of {@link #replyKey()}. */
    static final String REPLY_KEY_INFO = "dtm enrol reply key v4";
    private static final byte[] REPLY_KEY_INFO_BYTES = REPLY_KEY_INFO.getBytes(StandardCharsets.US_ASCII);
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String id;
    private final byte[] seed;
    private final KeyPair keys;
    private final byte[] publicKey;

    private EnrolmentToken(String id, byte[] seed) {
        this.id = id;
        this.seed = seed;
        this.keys = Curve25519.ed25519(seed);
        this.publicKey = Curve25519.raw(keys.getPublic());
    }

    /** A new token: a random {@value #ID_LENGTH}-character id and a random secret. */
    public static EnrolmentToken generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        byte[] seed = new byte[Curve25519.KEY_LENGTH];
        random.nextBytes(seed);
        return new EnrolmentToken(id.toString(), seed);
    }

    /**
     * Reads a token, ignoring white space around it (a token file's final newline).
     *
     * @throws IllegalArgumentException saying what is wrong, never quoting the text (it may hold the secret)
     */
    public static EnrolmentToken parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no enrolment token: expected " + PREFIX + "-<id>-<secret>");
        }
        String t = text.strip();
        if (!t.startsWith(PREFIX + "-")) {
            throw new IllegalArgumentException("not an enrolment token: it must start with '" + PREFIX + "-'");
        }
        int dash = t.indexOf('-', PREFIX.length() + 1);
        if (dash < 0) {
            throw new IllegalArgumentException("enrolment token has no secret: expected " + PREFIX + "-<id>-<secret>");
        }
        String id = t.substring(PREFIX.length() + 1, dash);
        if (!EnrolmentKey.isValidId(id)) {
            throw new IllegalArgumentException("enrolment token id must be 4 to 32 lower-case letters or digits"
                    + " (the id has " + id.length() + " characters)");
        }
        String secret = t.substring(dash + 1);
        if (secret.length() != SECRET_CHARS || !secret.chars().allMatch(EnrolmentToken::base64url)) {
            throw new IllegalArgumentException("enrolment token has a malformed secret: expected "
                    + SECRET_CHARS + " base64url characters (A-Z a-z 0-9 - _), found " + secret.length() + " characters");
        }
        byte[] seed = Base64.getUrlDecoder().decode(secret);
        if (!encode(seed).equals(secret)) { // the last character carries 2 unused bits, which must be zero
            throw new IllegalArgumentException(
                    "enrolment token has a malformed secret: its last character is not a canonical base64url ending");
        }
        return new EnrolmentToken(id, seed);
    }

    /** SHA-256 of a raw 32-byte Ed25519 public key: what the store keeps ({@link EnrolmentKey#verifier()}). */
    public static byte[] verifierOf(byte[] publicKey) {
        if (publicKey == null || publicKey.length != Curve25519.KEY_LENGTH) {
            throw new IllegalArgumentException("an enrolment public key is " + Curve25519.KEY_LENGTH + " bytes");
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(publicKey);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }

    /** The enrolment key's id (not secret). */
    public String id() {
        return id;
    }

    /** The raw 32-byte Ed25519 public key (not secret). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** SHA-256 of {@link #publicKey()}. */
    public byte[] verifier() {
        return verifierOf(publicKey);
    }

    /**
     * The 32-byte reply key: HKDF-SHA256 of the secret seed (empty salt, info {@value #REPLY_KEY_INFO}).
     * Nodes seal the GRANTED replies to this token's ENROLs with it ({@link EnrolCodec#encodeReply}), so a
     * router knows a node that holds the enrolment key made them. It cannot sign an ENROL: reading it (the
     * store keeps it) lets one forge replies to routers holding the token, not enrol.
     */
    public byte[] replyKey() {
        return Hkdf.sha256(seed, new byte[0], REPLY_KEY_INFO_BYTES, Codec.KEY_LENGTH);
    }

    /** The token's text, secret included: for the operator, once, and the router's token file; never for a log. */
    public String token() {
        return PREFIX + "-" + id + "-" + encode(seed);
    }

    /** The Ed25519 signature of {@code data[0..length)} under the token's secret. */
    byte[] sign(byte[] data, int length) {
        return Curve25519.sign(keys.getPrivate(), data, length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnrolmentToken other && id.equals(other.id) && Arrays.equals(publicKey, other.publicKey);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    /** The token with its secret masked. */
    @Override
    public String toString() {
        return PREFIX + "-" + id + "-***";
    }

    private static String encode(byte[] seed) {
        return new String(Base64.getUrlEncoder().withoutPadding().encode(seed), StandardCharsets.US_ASCII);
    }

    private static boolean base64url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
