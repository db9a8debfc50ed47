package net.dtm.testkit.upgrade;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A "rebuilt" bundle for upgrade tests: the same jar rewritten with its {@code Bundle-Version}
 * qualifier extended (e.g. {@code 1.0.0.202612031424} becomes {@code 1.0.0.202612031424-up1}),
 * which OSGi orders above the original, every other entry copied byte for byte. A jar without a
 * {@code Bundle-SymbolicName} is refused: it is not a bundle.
 */
public final class BundleJars {

    /** major[.minor[.micro[.qualifier]]], as OSGi writes it. */
    private static final Pattern VERSION = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:\\.([\\w-]+))?");
    private static final Pattern SUFFIX = Pattern.compile("[A-Za-z0-9_-]+");

    private BundleJars() {
    }

    /** The bundle's symbolic name (directives cut off) and version. */
    public record Identity(String symbolicName, String version) {
    }

    /** Reads a bundle jar's symbolic name and version. */
    public static Identity identity(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            return identity(m, jar);
        }
    }

    private static Identity identity(Manifest m, Path jar) {
        String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
        if (bsn == null) {
            throw new IllegalArgumentException(jar + " is not a bundle (no Bundle-SymbolicName)");
        }
        String version = m.getMainAttributes().getValue("Bundle-Version");
        return new Identity(bsn.split(";")[0].trim(), version == null ? "0.0.0" : version.trim());
    }

    /**
     * {@code version} with {@code suffix} appended to its qualifier (a qualifier {@code suffix} if
     * it had none, missing minor and micro parts written as 0).
     */
    public static String withQualifierSuffix(String version, String suffix) {
        if (!SUFFIX.matcher(suffix).matches()) {
            throw new IllegalArgumentException("qualifier suffix must be letters, digits, _ or -: '" + suffix + "'");
        }
        Matcher v = VERSION.matcher(version.trim());
        if (!v.matches()) {
            throw new IllegalArgumentException("not an OSGi version: '" + version + "'");
        }
        String base = v.group(1) + "." + (v.group(2) == null ? "0" : v.group(2)) + "." + (v.group(3) == null ? "0" : v.group(3));
        return base + "." + (v.group(4) == null ? suffix : v.group(4) + "-" + suffix);
    }

    /**
     * Writes {@code jar} to {@code out} with its {@code Bundle-Version} qualifier extended by
     * {@code suffix}; returns the new identity.
     */
    public static Identity rewrite(Path jar, String suffix, Path out) throws IOException {
        try (InputStream raw = Files.newInputStream(jar); JarInputStream in = new JarInputStream(raw, false)) {
            Manifest manifest = in.getManifest();
            Identity old = identity(manifest, jar);
            Manifest revised = new Manifest(manifest);
            String version = withQualifierSuffix(old.version(), suffix);
            revised.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            try (OutputStream o = Files.newOutputStream(tmp); JarOutputStream jo = new JarOutputStream(o, revised)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    JarEntry copy = new JarEntry(e.getName());
                    copy.setTime(e.getTime());
                    jo.putNextEntry(copy);
                    in.transferTo(jo);
                    jo.closeEntry();
                }
            }
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new Identity(old.symbolicName(), version);
        }
    }
}
