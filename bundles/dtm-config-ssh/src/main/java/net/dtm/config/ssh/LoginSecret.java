package net.dtm.config.ssh;

import java.security.KeyPair;
import java.util.List;

import org.apache.sshd.client.session.ClientSession;

/**
 * What a device login uses: a password or private keys, read from a secret file by
 * {@link SecretFileReader}. Never printed: {@link #toString()} names only the kind and the file.
 */
final class LoginSecret {

    private final String file;
    private final String password;
    private final List<KeyPair> keys;

    private LoginSecret(String file, String password, List<KeyPair> keys) {
        this.file = file;
        this.password = password;
        this.keys = keys;
    }

    static LoginSecret password(String file, String password) {
        return new LoginSecret(file, password, List.of());
    }

    static LoginSecret keys(String file, List<KeyPair> keys) {
        return new LoginSecret(file, null, List.copyOf(keys));
    }

    /** Offers this secret to {@code session} for its next authentication. */
    void offerTo(ClientSession session) {
        if (password != null) {
            session.addPasswordIdentity(password);
        }
        keys.forEach(session::addPublicKeyIdentity);
    }

    /** A redaction that hides this secret's password (if any) in text meant for operators. */
    Redaction redaction() {
        return Redaction.hiding(password);
    }

    /** True if this is a private key rather than a password. */
    boolean isKey() {
        return password == null;
    }

    @Override
    public String toString() {
        return (isKey() ? "private key" : "password") + " from " + file;
    }
}
