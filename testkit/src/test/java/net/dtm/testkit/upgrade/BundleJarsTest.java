package net.dtm.testkit.upgrade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleJarsTest {

    @TempDir
    Path dir;

    @Test
    void qualifierIsExtendedAndOrdersAbove() {
        assertEquals("1.0.0.202612031424-up1", BundleJars.withQualifierSuffix("1.0.0.202612031424", "up1"));
        assertEquals("1.2.0.up1", BundleJars.withQualifierSuffix("1.2", "up1"));
        assertEquals("3.0.0.up1", BundleJars.withQualifierSuffix("3", "up1"));
        assertThrows(IllegalArgumentException.class, () -> BundleJars.withQualifierSuffix("1.0.0", "a.b"));
        assertThrows(IllegalArgumentException.class, () -> BundleJars.withQualifierSuffix("one", "up1"));
    }

    @Test
    void rewriteChangesOnlyTheVersion() throws IOException {
        Path jar = jar("net.dtm.dtm-x;singleton:=true", "1.0.0.SNAPSHOT");
        Path out = dir.resolve("out/x.jar");
        BundleJars.Identity id = BundleJars.rewrite(jar, "up2", out);
        assertEquals(new BundleJars.Identity("net.dtm.dtm-x", "1.0.0.SNAPSHOT-up2"), id);
        assertEquals(id, BundleJars.identity(out));
        try (JarFile f = new JarFile(out.toFile())) {
            assertEquals("net.dtm.x", f.getManifest().getMainAttributes().getValue("Export-Package"));
            assertArrayEquals("payload".getBytes(StandardCharsets.UTF_8),
                    f.getInputStream(f.getEntry("net/dtm/x/A.class")).readAllBytes());
        }
    }

    @Test
    void aPlainJarIsRefused() throws IOException {
        Path jar = jar(null, null);
        assertThrows(IllegalArgumentException.class, () -> BundleJars.rewrite(jar, "up1", dir.resolve("y.jar")));
    }

    private Path jar(String bsn, String version) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) {
            m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
            m.getMainAttributes().putValue("Bundle-Version", version);
            m.getMainAttributes().putValue("Export-Package", "net.dtm.x");
        }
        Path jar = Files.createTempFile(dir, "b", ".jar");
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream jo = new JarOutputStream(o, m)) {
            jo.putNextEntry(new JarEntry("net/dtm/x/A.class"));
            jo.write("payload".getBytes(StandardCharsets.UTF_8));
            jo.closeEntry();
        }
        return jar;
    }
}
