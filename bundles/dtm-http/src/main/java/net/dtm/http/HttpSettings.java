package net.dtm.http;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * The checked configuration of the server (PID {@code net.dtm.http}); a bad value is an
 * {@link IllegalArgumentException} naming the key.
 *
 * @param bindHost       address to listen on
 * @param port           0..65535 (0: any free port)
 * @param tls            HTTPS instead of HTTP
 * @param keystore       PKCS12 keystore (with TLS)
 * @param passwordFile   file whose first line is the keystore password (with TLS)
 * @param keysFile       the API key file
 * @param maxBodyBytes   largest request body accepted
 * @param threads        request threads
 */
record HttpSettings(String bindHost, int port, boolean tls, Optional<Path> keystore, Optional<Path> passwordFile,
                    Path keysFile, long maxBodyBytes, int threads) {

    static final String PID = "net.dtm.http";

    HttpSettings {
        if (bindHost == null || bindHost.isBlank()) {
            throw new IllegalArgumentException("bind.host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + port);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("max.body.bytes must not be negative: " + maxBodyBytes);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("threads must be 1..256: " + threads);
        }
        if (tls && (keystore.isEmpty() || passwordFile.isEmpty())) {
            throw new IllegalArgumentException("tls.enabled = true needs tls.keystore.file and tls.keystore.password.file");
        }
    }

    /**
     * Settings from configuration values; {@code ${karaf.etc}} in a path is replaced by
     * {@code karafEtc}, and an empty {@code keys.file} means {@code <karafEtc>/dtm-api-keys}.
     */
    static HttpSettings of(String bindHost, int port, boolean tls, String keystore, String passwordFile,
                           String keysFile, long maxBodyBytes, int threads, String karafEtc) {
        String etc = karafEtc == null || karafEtc.isBlank() ? "etc" : karafEtc;
        Path keys = blank(keysFile) ? Paths.get(etc, "dtm-api-keys") : path(keysFile, etc);
        return new HttpSettings(bindHost == null ? "" : bindHost.strip(), port, tls,
                blank(keystore) ? Optional.empty() : Optional.of(path(keystore, etc)),
                blank(passwordFile) ? Optional.empty() : Optional.of(path(passwordFile, etc)),
                keys, maxBodyBytes, threads);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Path path(String value, String etc) {
        return Paths.get(value.strip().replace("${karaf.etc}", etc)).toAbsolutePath().normalize();
    }
}
