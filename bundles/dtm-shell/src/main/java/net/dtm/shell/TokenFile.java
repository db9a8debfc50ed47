package net.dtm.shell;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.karaf.shell.support.CommandException;

/**
 * A file a command writes something secret or large to: created new (an existing file is never
 * overwritten), with mode 600 when it will hold a secret, before anything changes, so a path that
 * cannot be written is refused first. {@code enrolment:create --token-file} writes its token once the
 * key exists; the export commands write through {@link #writer()}.
 */
final class TokenFile {

    private final Path path;

    private TokenFile(Path path) {
        this.path = path;
    }

    /**
     * Creates the file, empty, readable and writable by its owner only.
     *
     * @throws CommandException {@code <refusal>: <why>} if it exists, its folder does not, or it cannot be created
     */
    static TokenFile reserve(String name, String refusal) throws CommandException {
        return reserve(name, refusal, "token file", true);
    }

    /**
     * Creates the file, empty; readable and writable by its owner only if {@code secret}. Messages
     * call it {@code what} (e.g. "export file") and start with {@code refusal} (or, null, with the message).
     */
    static TokenFile reserve(String name, String refusal, String what, boolean secret) throws CommandException {
        Path path = Path.of(name).toAbsolutePath().normalize();
        String start = refusal == null ? "" : refusal + ": ";
        try {
            if (secret) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(path);
            }
        } catch (FileAlreadyExistsException e) {
            throw new CommandException(start + what + " " + path + " already exists (it is never overwritten)");
        } catch (NoSuchFileException e) {
            throw new CommandException(start + "the folder of " + what + " " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw new CommandException(start + "cannot create " + what + " " + path + ": permission denied");
        } catch (IOException | UnsupportedOperationException e) {
            throw new CommandException(start + "cannot create " + what + " " + path + ": " + e.getMessage());
        }
        return new TokenFile(path);
    }

    Path path() {
        return path;
    }

    /** Writes the token and a newline. */
    void write(String token) throws IOException {
        Files.writeString(path, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A buffered UTF-8 writer over the file; closing it closes the file. */
    Writer writer() throws IOException {
        return Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Removes the file (the key was not made, or is deleted again); a failure leaves at most an empty file. */
    void discard() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // nothing secret in it yet, or the write failed
        }
    }
}
