package net.dtm.examples.vendor;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The EXR router's configuration: a directory holding {@code interfaces/<name>.conf}, one file per
 * tunnel interface, and optionally {@code reachable}, the inner addresses that answer a probe (one
 * per line; what a lab or a monitoring system writes). Every file is replaced atomically: written
 * in full to a temporary file in the same folder, forced to disk, then renamed over the old one,
 * so a reader (or a crash) sees the old file or the new one, never half of one.
 */
final class RouterDirectory {

    static final String INTERFACES = "interfaces";
    static final String SUFFIX = ".conf";
    static final String REACHABLE = "reachable";

    private final Path root;

    RouterDirectory(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    Path interfaces() {
        return root.resolve(INTERFACES);
    }

    /** Creates the directory if it does not exist yet (a factory-new EXR has an empty configuration). */
    void ensureExists() throws IOException {
        Files.createDirectories(interfaces());
    }

    /**
     * The interface {@code name}, empty if it has no file.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if its content is malformed
     */
    Optional<InterfaceFile> read(String name) throws IOException {
        try {
            return Optional.of(InterfaceFile.parse(name, Files.readString(file(name), StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Names of the interfaces configured, sorted. Temporary files of a write in progress are not interfaces. */
    List<String> names() throws IOException {
        if (!Files.isDirectory(interfaces())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(interfaces())) {
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(SUFFIX) && !f.startsWith("."))
                    .map(f -> f.substring(0, f.length() - SUFFIX.length()))
                    .sorted()
                    .forEach(out::add);
        }
        return out;
    }

    /** The inner addresses that answer a probe now. */
    List<InetAddress> reachable() throws IOException {
        Path f = root.resolve(REACHABLE);
        if (!Files.isRegularFile(f)) {
            return List.of();
        }
        List<InetAddress> out = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String t = line.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(Literals.parseAddress(t));
            }
        }
        return out;
    }

    /**
     * Writes every changed interface (absent = remove its file). Each file is replaced atomically.
     *
     * @throws IOException if a file cannot be written; files written before stay written
     */
    void commit(Map<String, Optional<InterfaceFile>> changes) throws IOException {
        ensureExists();
        for (Map.Entry<String, Optional<InterfaceFile>> c : changes.entrySet()) {
            if (c.getValue().isEmpty()) {
                Files.deleteIfExists(file(c.getKey()));
            } else {
                replace(file(c.getKey()), c.getValue().get().format());
            }
        }
    }

    private Path file(String name) {
        return interfaces().resolve(name + SUFFIX);
    }

    private static void replace(Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
