package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;
import net.dtm.api.config.Transaction;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.TunnelIntent;

class HistoryStoreTest {

    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void numbersRunPerEndFromOne() throws IOException {
        HistoryStore h = new HistoryStore(dir, 50);
        assertEquals(1, h.append(entry("dtm0", Transaction.Result.CONFIRMED), Optional.of(Samples.vxlan())).number());
        assertEquals(2, h.append(entry("dtm0", Transaction.Result.REFUSED), Optional.of(Samples.vxlan())).number());
        assertEquals(1, h.append(entry("dtm1", Transaction.Result.CONFIRMED), Optional.empty()).number());
        assertEquals(List.of(2, 1), numbers(h, "dtm0"));
        assertEquals(2, h.lastNumber("dtm0"));
        assertEquals(0, h.lastNumber("dtm9"));
        assertEquals(List.of("dtm0", "dtm1"), h.ends());
    }

    @Test
    void entriesSurviveARestartWithTheirIntentAndNumbersGoOn() throws IOException {
        HistoryStore h = new HistoryStore(dir, 50);
        TunnelIntent wg = Samples.of(TunnelType.WIREGUARD, "dtm0");
        Transaction first = h.append(new Transaction("dtm0", 0, T0, "operator admin", wg.describe(), List.of("mtu: 1 -> 2"),
                List.of("link mtu dtm0 mtu=2", "a, b = c"), Transaction.Result.CONFIRMED, "ok; fine", false), Optional.of(wg));
        HistoryStore again = new HistoryStore(dir, 50);
        HistoryEntry e = again.entry("dtm0", 1).orElseThrow();
        assertEquals(first, e.transaction());
        assertEquals(Optional.of(wg), e.intent());
        assertEquals(2, again.append(entry("dtm0", Transaction.Result.CONFIRMED), Optional.empty()).number());
    }

    @Test
    void anUpdatedEntryKeepsItsNumberAndTheLaterLineWins() throws IOException {
        HistoryStore h = new HistoryStore(dir, 50);
        Transaction pending = h.append(entry("dtm0", Transaction.Result.PENDING_CONFIRM), Optional.empty());
        Transaction done = new Transaction("dtm0", pending.number(), T0, "x", "i", List.of(), List.of(),
                Transaction.Result.CONFIRMED, "confirmed by admin", false);
        h.update(done, Optional.empty());
        assertEquals(List.of(done), new HistoryStore(dir, 50).entries("dtm0").stream().map(HistoryEntry::transaction).toList());
        assertThrows(IllegalArgumentException.class, () -> h.update(new Transaction("dtm0", 7, T0, "x", "i", List.of(),
                List.of(), Transaction.Result.CONFIRMED, "", false), Optional.empty()));
    }

    @Test
    void onlyTheNewestAreKeptAndNumbersAreNeverReused() throws IOException {
        HistoryStore h = new HistoryStore(dir, 50);
        for (int i = 0; i < 130; i++) {
            h.append(entry("dtm0", Transaction.Result.CONFIRMED), Optional.empty());
        }
        List<Integer> kept = numbers(h, "dtm0");
        assertEquals(50, kept.size());
        assertEquals(130, kept.get(0));
        assertEquals(81, kept.get(49));
        assertTrue(Files.readAllLines(file("dtm0")).size() <= 76, "the file is compacted");
        HistoryStore again = new HistoryStore(dir, 50);
        assertEquals(kept, numbers(again, "dtm0"));
        assertEquals(131, again.append(entry("dtm0", Transaction.Result.CONFIRMED), Optional.empty()).number());
    }

    @Test
    void aCorruptLineIsSkippedAndItsNumberStillCounts() throws IOException {
        HistoryStore h = new HistoryStore(dir, 50);
        h.append(entry("dtm0", Transaction.Result.CONFIRMED), Optional.empty());
        Files.writeString(file("dtm0"), "n=2 end=dtm0 time=yesterday\nthis is not a history line\n\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        HistoryStore again = new HistoryStore(dir, 50);
        assertEquals(List.of(1), numbers(again, "dtm0"));
        assertEquals(3, again.append(entry("dtm0", Transaction.Result.CONFIRMED), Optional.empty()).number());
    }

    @Test
    void aLineOfAnotherEndOrWithAWrongIntentIsSkipped() throws IOException {
        HistoryStore h = new HistoryStore(dir, 50);
        h.append(entry("dtm1", Transaction.Result.CONFIRMED), Optional.empty());
        String line = Files.readAllLines(file("dtm1")).get(0);
        Files.writeString(file("dtm0"), line + "\n" + line.replace("end=dtm1", "end=dtm0").replace("n=1", "n=4")
                .replace("wanted=", "wanted=v%3D9") + "\n");
        HistoryStore again = new HistoryStore(dir, 50);
        assertEquals(List.of(), numbers(again, "dtm0"));
        assertEquals(4, again.lastNumber("dtm0"));
    }

    @Test
    void lastConfirmedSkipsOtherResults() throws IOException {
        HistoryStore h = new HistoryStore(dir, 50);
        h.append(entry("dtm0", Transaction.Result.CONFIRMED), Optional.of(Samples.vxlan()));
        h.append(entry("dtm0", Transaction.Result.ROLLED_BACK), Optional.of(Samples.vxlan().withMtu(1300)));
        assertEquals(1, h.lastConfirmed("dtm0").orElseThrow().transaction().number());
        assertEquals(Optional.of(Samples.vxlan()), h.lastConfirmed("dtm0").orElseThrow().intent());
        assertEquals(Optional.empty(), h.lastConfirmed("dtm1"));
    }

    @Test
    void filesAreMode600InAMode700Folder() throws IOException {
        Path folder = dir.resolve("state/history");
        HistoryStore h = new HistoryStore(folder, 50);
        h.append(entry("dtm0", Transaction.Result.CONFIRMED), Optional.empty());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("dtm0.history"))));
    }

    @Test
    void anOpenFolderIsNarrowed() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        new HistoryStore(folder, 50);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
    }

    @Test
    void fewerThanFiftyEntriesAndBadNamesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HistoryStore(dir, 49));
        assertEquals("history must keep at least 50 entries per end, got 49", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HistoryStore(dir, 50).entries("../x"));
    }

    private Path file(String end) {
        return dir.resolve(end + ".history");
    }

    private static List<Integer> numbers(HistoryStore h, String end) {
        return h.entries(end).stream().map(e -> e.transaction().number()).toList();
    }

    private static Transaction entry(String end, Transaction.Result result) {
        return new Transaction(end, 0, T0, "test", "intent", List.of(), List.of(), result, "", false);
    }
}
