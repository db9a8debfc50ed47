package net.dtm.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The text of an API key, {@code dtmak1-<id>-<secret>}: a 12-character id of lower-case letters and
 * digits (public, listed) and a 43-character base64url secret (32 random bytes); only the SHA-256 of
 * the whole text is ever stored.
 */
final class KeyText {

    static final String PREFIX = "dtmak1-";
    static final int ID_LENGTH = 12;
    static final int SECRET_LENGTH = 43;
    static final int LENGTH = PREFIX.length() + ID_LENGTH + 1 + SECRET_LENGTH;
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private KeyText() {
    }

    /** A new random id. */
    static String newId(SecureRandom random) {
        StringBuilder id = new StringBuilder(ID_LENGTH);
        for (int i = 0; i < ID_LENGTH; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }

    /** A new key text for {@code id}. */
    static String newKey(String id, SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return PREFIX + id + "-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** Whether {@code id} has the form of a key id. */
    static boolean validId(String id) {
        if (id == null || id.length() != ID_LENGTH) {
            return false;
        }
        return id.chars().allMatch(c -> ID_ALPHABET.indexOf(c) >= 0);
    }

    /** The id of a presented key, if it has the form of one. */
    static Optional<String> idOf(String presented) {
        if (presented == null || presented.length() != LENGTH || !presented.startsWith(PREFIX)
                || presented.charAt(PREFIX.length() + ID_LENGTH) != '-') {
            return Optional.empty();
        }
        String id = presented.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
        return validId(id) ? Optional.of(id) : Optional.empty();
    }

    /** The SHA-256 of the key text, lower-case hex. */
    static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Constant-time comparison of two hex digests. */
    static boolean sameDigest(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
