package net.dtm.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files that hold secrets of this router (its keys, its credential, an enrolment token): written
 * whole or not at all (a temporary file, mode 600, in the same folder, then moved or linked into
 * place), never readable by group or others.
 */
final class PrivateFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);

    private PrivateFiles() {
    }

    /** Writes {@code text} to {@code file} atomically with mode 600, replacing what it held. */
    static void write(Path file, String text) throws IOException {
        Path tmp = temporary(file, text);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates {@code file} holding {@code text} atomically with mode 600, unless it exists: a file
     * that exists (made meanwhile by another start) is left exactly as it is.
     *
     * @return true if this call created it
     */
    static boolean create(Path file, String text) throws IOException {
        Path tmp = temporary(file, text);
        try {
            Files.createLink(file, tmp); // atomic, and fails rather than replace
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            if (Files.exists(file)) {
                return false;
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Sets {@code file} to mode 600 if group or others have any permission on it.
     *
     * @return true if there were any (the caller says so in the log); false on a file system without POSIX modes
     */
    static boolean tighten(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException noPosix) {
            return false;
        }
        if (perms.stream().allMatch(p -> p.name().startsWith("OWNER_"))) {
            return false;
        }
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        return true;
    }

    /** A synced temporary file beside {@code file}, mode 600, holding {@code text}. */
    private static Path temporary(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException noPosix) {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp"); // owner-only by default there
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(StandardCharsets.US_ASCII.encode(text));
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }
}
