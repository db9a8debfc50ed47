package net.dtm.agent;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
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
        return publicKey(X25519KeyFile.loadOrCreate(file, "WireGuard key file"));
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
}
