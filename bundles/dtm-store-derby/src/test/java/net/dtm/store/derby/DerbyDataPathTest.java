package net.dtm.store.derby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerbyDataPathTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultIsUnderKarafHomeNotKarafData() {
        assertEquals(Paths.get("/opt/karaf/dtm/derby"), DerbyDataPath.resolve("", "/opt/karaf", "/opt/karaf/data"));
        assertEquals(Paths.get("dtm/derby").toAbsolutePath().normalize(), DerbyDataPath.resolve(null, null, null));
    }

    @Test
    void aConfiguredPathIsUsedAsGiven() {
        assertEquals(Paths.get("/srv/db"), DerbyDataPath.resolve(" /srv/db ", "/opt/karaf", "/opt/karaf/data"));
        assertEquals(Paths.get("/k/data/x"), DerbyDataPath.resolve("${karaf.data}/x", "/k", "/k/data"));
        assertEquals(Paths.get("/k/dtm/derby"), DerbyDataPath.resolve("${karaf.home}/dtm/derby", "/k", "/k/data"));
    }

    @Test
    void aDatabaseAtTheFormerDefaultIsKept() throws IOException {
        Path home = dir.resolve("karaf");
        Path data = home.resolve("data");
        Path legacy = Files.createDirectories(data.resolve("dtm/derby"));
        assertEquals(legacy, DerbyDataPath.resolve("", home.toString(), data.toString()));
        // once a database exists at the new default, that one serves
        Path current = Files.createDirectories(home.resolve("dtm/derby"));
        assertEquals(current, DerbyDataPath.resolve("", home.toString(), data.toString()));
    }

    @Test
    void aDatabaseUnderKarafDataIsWarnedAbout() {
        Optional<String> warning = DerbyDataPath.underDataWarning(Paths.get("/k/data/dtm/derby"), "/k/data");
        assertTrue(warning.isPresent());
        assertTrue(warning.get().contains("bin/karaf clean") && warning.get().contains("/k/data/dtm/derby"), warning.get());
        assertEquals(Optional.empty(), DerbyDataPath.underDataWarning(Paths.get("/k/dtm/derby"), "/k/data"));
        assertEquals(Optional.empty(), DerbyDataPath.underDataWarning(Paths.get("/k/database"), "/k/data"));
        assertEquals(Optional.empty(), DerbyDataPath.underDataWarning(Paths.get("/k/data/dtm/derby"), null));
    }
}
