package net.dtm.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A server {@link SSLContext} from a PKCS12 keystore whose password is the first line of a file. */
final class TlsContexts {

    private TlsContexts() {
    }

    /** @throws IllegalArgumentException naming the file when it cannot be read or used */
    static SSLContext server(Path keystore, Path passwordFile) {
        char[] password = password(passwordFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls.keystore.file " + keystore
                    + " cannot be used as a PKCS12 keystore with the password of tls.keystore.password.file: " + e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] password(Path passwordFile) {
        try {
            List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
            return (lines.isEmpty() ? "" : lines.get(0).strip()).toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("tls.keystore.password.file " + passwordFile + " cannot be read: " + e, e);
        }
    }
}
