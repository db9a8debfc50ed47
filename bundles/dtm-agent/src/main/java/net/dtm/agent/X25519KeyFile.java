package net.dtm.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A file holding one X25519 private key of this router, base64 as {@code wg genkey} writes it,
 * mode 600: created with a fresh key at first use, never overwritten. A file that does not hold a
 * key is an error naming it, and stays as it is.
 */
final class X25519KeyFile {

    private X25519KeyFile() {
    }

    /**
     * The raw 32-byte private key in {@code file}, which is created with a new key if it does not exist.
     *
     * @param what what the file is, for messages ("WireGuard key file")
     * @throws IOException              if the file cannot be read or written
     * @throws IllegalArgumentException if it does not hold a base64 32-byte key
     */
    static byte[] loadOrCreate(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            clamp(k);
            PrivateFiles.create(file, Base64.getEncoder().encodeToString(k) + "\n");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " " + file + " is not base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(what + " " + file + " holds " + key.length + " bytes, expected 32");
        }
        return key;
    }

    private static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }
}
