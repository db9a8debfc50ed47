package net.dtm.shell;

import java.io.IOException;
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
 * The file {@code enrolment:create --token-file} writes an enrolment token to: created new (an
 * existing file is never overwritten) with mode 600 before the key is made, so a path that cannot
 * be written is refused before anything changes; the token is written once the key exists.
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
        Path path = Path.of(name).toAbsolutePath().normalize();
        try {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new CommandException(refusal + ": token file " + path + " already exists (it is never overwritten)");
        } catch (NoSuchFileException e) {
            throw new CommandException(refusal + ": the folder of token file " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw new CommandException(refusal + ": cannot create token file " + path + ": permission denied");
        } catch (IOException | UnsupportedOperationException e) {
            throw new CommandException(refusal + ": cannot create token file " + path + ": " + e.getMessage());
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

    /** Removes the file (the key was not made, or is deleted again); a failure leaves at most an empty file. */
    void discard() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // nothing secret in it yet, or the write failed
        }
    }
}
