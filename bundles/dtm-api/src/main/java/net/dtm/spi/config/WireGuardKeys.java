package net.dtm.spi.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * WireGuard key material of one tunnel end. The private key never appears in an intent, a diff,
 * a log or the history: only the file that holds it (mode 600) is named.
 *
 * @param privateKeyFile file holding this end's base64 private key
 * @param peerPublicKey  the other end's base64 public key (44 characters)
 * @param listenPort     this end's UDP listen port (0 = any)
 */
public record WireGuardKeys(Path privateKeyFile, String peerPublicKey, int listenPort) {
    public WireGuardKeys {
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        Objects.requireNonNull(peerPublicKey, "peerPublicKey");
    }
}
