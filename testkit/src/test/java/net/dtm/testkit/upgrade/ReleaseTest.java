package net.dtm.testkit.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseTest {

    @TempDir
    Path dir;

    @Test
    void everyEntryMovesIntoTheReleaseAndOnlyDtmBundlesAreRebuilt() throws IOException {
        Path dtm = jar("dtm.jar", "net.dtm.dtm-pool", "1.0.0.x");
        Path other = jar("lib.jar", "org.example.lib", "2.0.0");
        Path plain = jar("plain.jar", null, null);
        Path classes = Files.createDirectories(dir.resolve("classes/net/dtm"));
        Files.writeString(classes.resolve("A.class"), "a");
        String cp = String.join(File.pathSeparator, dtm.toString(), other.toString(), plain.toString(),
                dir.resolve("classes").toString(), dir.resolve("missing.jar").toString());

        Release r = Release.of(cp, dir.resolve("release-2"), "up2");

        List<String> entries = List.of(r.classPath().split(File.pathSeparator));
        assertEquals(4, entries.size(), entries.toString());
        for (String e : entries) {
            assertTrue(Path.of(e).startsWith(r.dir()), e);
        }
        assertEquals("1.0.0.x-up2", BundleJars.identity(Path.of(entries.get(0))).version());
        assertEquals("2.0.0", BundleJars.identity(Path.of(entries.get(1))).version());
        assertEquals("a", Files.readString(Path.of(entries.get(3)).resolve("net/dtm/A.class")));
        assertEquals(1, r.rebuilt().size(), r.rebuilt().toString());
    }

    private Path jar(String name, String bsn, String version) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) {
            m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
            m.getMainAttributes().putValue("Bundle-Version", version);
        }
        Path jar = dir.resolve(name);
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream jo = new JarOutputStream(o, m)) {
            jo.flush();
        }
        return jar;
    }
}
