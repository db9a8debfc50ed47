package net.dtm.store.derby;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

/**
 * Where the Derby database lives. A configured {@code path} is used as given ({@code ${karaf.home}}
 * and {@code ${karaf.data}} replaced when a value set another way than an etc/ file still carries
 * them). Without one the database is {@code ${karaf.home}/dtm/derby}: outside {@code ${karaf.data}},
 * which {@code bin/karaf clean} deletes. A node whose database is still at the former default
 * {@code ${karaf.data}/dtm/derby} (and none at the new one) keeps using it, with a warning
 * ({@link #underDataWarning}).
 */
final class DerbyDataPath {

    private DerbyDataPath() {
    }

    /** The database directory for {@code configured} (blank: the default) in a Karaf at {@code karafHome}. */
    static Path resolve(String configured, String karafHome, String karafData) {
        String home = orDefault(karafHome, ".");
        String data = orDefault(karafData, Paths.get(home, "data").toString());
        String p = configured == null ? "" : configured.trim();
        if (!p.isEmpty()) {
            return Paths.get(p.replace("${karaf.home}", home).replace("${karaf.data}", data)).toAbsolutePath().normalize();
        }
        Path current = defaultPath(home);
        Path legacy = legacyPath(data);
        return !Files.exists(current) && Files.isDirectory(legacy) ? legacy : current;
    }

    /** The default database directory, {@code <karaf.home>/dtm/derby}. */
    static Path defaultPath(String karafHome) {
        return Paths.get(orDefault(karafHome, "."), "dtm", "derby").toAbsolutePath().normalize();
    }

    /** The default of earlier releases, {@code <karaf.data>/dtm/derby}. */
    static Path legacyPath(String karafData) {
        return Paths.get(orDefault(karafData, "./data"), "dtm", "derby").toAbsolutePath().normalize();
    }

    /**
     * What to tell the operator when the database {@code resolved} lies under {@code karaf.data} (the
     * former default, or a path an operator's etc/ file still names): {@code bin/karaf clean} would
     * delete it.
     */
    static Optional<String> underDataWarning(Path resolved, String karafData) {
        if (karafData == null || karafData.isBlank()
                || !resolved.startsWith(Paths.get(karafData).toAbsolutePath().normalize())) {
            return Optional.empty();
        }
        return Optional.of("derby store: the database " + resolved + " lies under karaf.data (" + karafData + "), which"
                + " bin/karaf clean deletes; to keep it safe, stop the node, move the folder to ${karaf.home}/dtm/derby"
                + " and set path there in etc/" + DerbyStoreComponent.PID + ".cfg");
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
