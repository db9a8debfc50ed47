package net.dtm.testkit.upgrade;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * Another "release" of a plain-Java DTM node for the rolling upgrade test: every entry of a class
 * path copied into a release folder, DTM bundles ({@code Bundle-SymbolicName} {@code net.dtm.*})
 * rewritten with a new version qualifier ({@link BundleJars}), other jars hard-linked (copied when
 * a link is impossible), class folders copied. A node started on {@link #classPath()} loads
 * nothing from the original locations.
 */
public final class Release {

    private final Path dir;
    private final String classPath;
    private final Set<String> rebuilt;

    private Release(Path dir, String classPath, Set<String> rebuilt) {
        this.dir = dir;
        this.classPath = classPath;
        this.rebuilt = Set.copyOf(rebuilt);
    }

    /**
     * Builds the release of {@code classPath} in {@code dir} (created; must not hold an earlier one).
     *
     * @param suffix appended to the DTM bundles' version qualifier
     */
    public static Release of(String classPath, Path dir, String suffix) throws IOException {
        Files.createDirectories(dir);
        StringJoiner out = new StringJoiner(File.pathSeparator);
        Set<String> rebuilt = new HashSet<>();
        int n = 0;
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path from = Path.of(entry);
            Path to = dir.resolve(String.format(java.util.Locale.ROOT, "%03d-%s", n++, from.getFileName()));
            if (Files.isDirectory(from)) {
                copyTree(from, to);
            } else if (Files.isRegularFile(from)) {
                if (!dtmBundle(from, to, suffix, rebuilt)) {
                    link(from, to);
                }
            } else {
                continue;   // a missing entry stays missing
            }
            out.add(to.toString());
        }
        return new Release(dir, out.toString(), rebuilt);
    }

    private static boolean dtmBundle(Path jar, Path to, String suffix, Set<String> rebuilt) throws IOException {
        if (!jar.getFileName().toString().endsWith(".jar")) {
            return false;
        }
        BundleJars.Identity id;
        try {
            id = BundleJars.identity(jar);
        } catch (IllegalArgumentException notABundle) {
            return false;
        }
        if (!id.symbolicName().startsWith("net.dtm.")) {
            return false;
        }
        rebuilt.add(BundleJars.rewrite(jar, suffix, to).toString());
        return true;
    }

    private static void link(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (FileSystemException | UnsupportedOperationException e) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The release's folder. */
    public Path dir() {
        return dir;
    }

    /** The class path of the release, every entry inside {@link #dir()}. */
    public String classPath() {
        return classPath;
    }

    /** The DTM bundles rewritten, as {@code Identity[symbolicName=..., version=...]}. */
    public Set<String> rebuilt() {
        return rebuilt;
    }
}
