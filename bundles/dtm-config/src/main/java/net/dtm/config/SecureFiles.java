package net.dtm.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, private files: folders mode 700, files mode 600 (where the file system has POSIX
 * permissions), whole-file writes through a temporary file, fsync and an atomic rename, appends
 * forced to disk before they return.
 */
final class SecureFiles {

    private static final Logger LOG = LoggerFactory.getLogger(SecureFiles.class);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {
    }

    /** Creates {@code dir} (and its parents) mode 700, or narrows an existing one to 700. */
    static void privateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (POSIX) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (POSIX && !Files.getPosixFilePermissions(dir).equals(DIR_MODE)) {
            LOG.warn("{} was readable by others: narrowed to mode 700", dir);
            Files.setPosixFilePermissions(dir, DIR_MODE);
        }
    }

    /** Replaces {@code file} with {@code text} atomically and durably. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                fileAttributes())) {
            write(ch, text);
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file.getParent());
    }

    /** Appends {@code text} to {@code file} (created mode 600) and forces it to disk. */
    static void append(Path file, String text) throws IOException {
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), fileAttributes())) {
            write(ch, text);
            ch.force(false);
        }
        if (created) {
            syncDirectory(file.getParent());
        }
    }

    /** Deletes {@code file} durably; nothing if it is absent. */
    static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) {
            syncDirectory(file.getParent());
        }
    }

    private static void write(FileChannel ch, String text) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)} : new FileAttribute<?>[0];
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; the rename is still atomic there.
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
