package net.dtm.agent;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Base64;

import javax.crypto.KeyAgreement;

/**
 * The device's own WireGuard key pair: the private key lives in one file (base64, as {@code wg genkey}
 * writes it, mode 600) and never leaves the router; its public key goes to the server in ESTABLISH.
 * A missing file is created with a fresh key at first use.
 */
public final class WireGuardKeyFile {

    private WireGuardKeyFile() {
    }

    /**
     * Reads the private key in {@code file}, creating the file with a new key if it does not exist.
     *
     * @return the base64 public key
     * @throws IOException              if the file cannot be read or written
     * @throws IllegalArgumentException if it does not hold a base64 32-byte key
     */
    public static String loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            clamp(k);
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp;
            try {
                tmp = Files.createTempFile(dir, ".wg", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException noPosix) {
                tmp = Files.createTempFile(dir, ".wg", ".tmp"); // a file system without POSIX modes: owner-only by default
            }
            Files.writeString(tmp, Base64.getEncoder().encodeToString(k) + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("WireGuard key file " + file + " is not base64");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("WireGuard key file " + file + " holds " + key.length + " bytes, expected 32");
        }
        return publicKey(key);
    }

    /** The X25519 public key of {@code privateKey} (32 bytes), base64: X25519(k, 9), as {@code wg pubkey} computes it. */
    public static String publicKey(byte[] privateKey) {
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey.clone()));
            PublicKey base = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(base, true);
            return Base64.getEncoder().encodeToString(ka.generateSecret());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 unavailable in this JVM: " + e.getMessage(), e);
        }
    }

    private static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }
}
