package net.dtm.testkit.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeardownTest {

    @TempDir
    Path tmp;

    @Test
    void deletesTheWholeTreeAndOnlyIt() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run.resolve("zk/peer-1/version-2"));
        Files.writeString(run.resolve("zk/peer-1/version-2/log.1"), "x");
        Files.createDirectories(run.resolve("nodes/node-1"));
        Files.writeString(run.resolve("nodes/node-1/out.log"), "y");
        Files.writeString(tmp.resolve("beside.txt"), "kept");

        Teardown.deleteTree(run);

        assertFalse(Files.exists(run));
        assertTrue(Files.exists(tmp.resolve("beside.txt")));
        Teardown.deleteTree(run); // a folder that is not there: nothing to do
    }

    @Test
    void nothingStartedHasNothingToSayOrClose() {
        assertEquals("", Teardown.diagnostics(List.of(), null));
        Teardown.close(List.of(), null);
    }
}
