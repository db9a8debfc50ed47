package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

class JournalTest {

    @TempDir
    Path dir;

    private final DeviceTarget remote = new DeviceTarget("cisco-ios", "ISR4331", "17.9.4", "192.0.2.1", 22, "dtm",
            Optional.of(Path.of("/etc/dtm/secret key")), Map.of("vrf", "core", "enable", "yes"));

    @Test
    void aRecordRoundTripsWithItsTargetSnapshotAndIntent() throws IOException {
        Journal j = new Journal(dir);
        JournalRecord r = new JournalRecord("dtm0", "smr-1", TunnelIntent.Role.GATEWAY, remote,
                Instant.parse("2030-01-01T00:00:00Z"), "tunnel established", Optional.of(Samples.vxlan()),
                Optional.of(Samples.rename(Samples.of(TunnelType.WIREGUARD, "x"), "dtm0")));
        j.write(r);
        assertEquals(Optional.of(r), new Journal(dir).read("dtm0"));
        assertEquals(List.of(r), j.records());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("dtm0.journal"))));
        assertFalse(Files.exists(dir.resolve("dtm0.journal.tmp")));
    }

    @Test
    void absentSnapshotAndRemovalRoundTrip() throws IOException {
        Journal j = new Journal(dir);
        JournalRecord r = new JournalRecord("dtm1", "smr-2", TunnelIntent.Role.DEVICE, DeviceTarget.local("linux"),
                Instant.parse("2030-01-01T00:00:00Z"), "x", Optional.empty(), Optional.empty());
        j.write(r);
        assertEquals(Optional.of(r), j.read("dtm1"));
    }

    @Test
    void aNewRecordReplacesTheOldAndClearRemovesIt() throws IOException {
        Journal j = new Journal(dir);
        JournalRecord a = record("dtm0", "first");
        JournalRecord b = record("dtm0", "second");
        j.write(a);
        j.write(b);
        assertEquals(Optional.of(b), j.read("dtm0"));
        j.clear("dtm0");
        assertEquals(Optional.empty(), j.read("dtm0"));
        j.clear("dtm0");
        assertEquals(List.of(), j.records());
    }

    @Test
    void anUnreadableRecordIsMovedAsideNotFatal() throws IOException {
        Journal j = new Journal(dir);
        j.write(record("dtm0", "ok"));
        Files.writeString(dir.resolve("dtm1.journal"), "end=dtm1 half a record");
        assertEquals(List.of(record("dtm0", "ok")), j.records());
        assertTrue(Files.exists(dir.resolve("dtm1.journal.corrupt")));
        assertFalse(Files.exists(dir.resolve("dtm1.journal")));
    }

    @Test
    void folderIsMode700AndNamesAreChecked() throws IOException {
        Path folder = dir.resolve("a/journal");
        Journal j = new Journal(folder);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertThrows(IllegalArgumentException.class, () -> j.clear("../../etc"));
    }

    private static JournalRecord record(String end, String trigger) {
        return new JournalRecord(end, "smr-1", TunnelIntent.Role.DEVICE, DeviceTarget.local("fake"),
                Instant.parse("2030-01-01T00:00:00Z"), trigger, Optional.of(Samples.vxlan()), Optional.empty());
    }
}
