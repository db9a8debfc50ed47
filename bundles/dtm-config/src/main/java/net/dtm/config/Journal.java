package net.dtm.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash journal: one file per end ({@code <end>.journal}, mode 600, in a mode-700 folder)
 * written durably before a transaction changes a device and removed when the transaction has ended.
 * A file still there at start means a node died mid-change. An unreadable record is moved aside
 * ({@code .corrupt}) with an error in the log rather than stopping the start.
 */
public final class Journal {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final String SUFFIX = ".journal";

    private final Path directory;

    /** A journal in {@code directory}, created mode 700 if needed. */
    public Journal(Path directory) throws IOException {
        this.directory = directory;
        SecureFiles.privateDirectory(directory);
    }

    /** Writes {@code record} durably (temporary file, fsync, atomic rename), replacing the end's previous one. */
    public void write(JournalRecord record) throws IOException {
        SecureFiles.writeAtomically(file(record.end()), record.encode() + "\n");
    }

    /** Removes the end's record, if any. */
    public void clear(String end) throws IOException {
        SecureFiles.delete(file(end));
    }

    /** The end's record, if one is there and readable. */
    public Optional<JournalRecord> read(String end) {
        Path f = file(end);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return load(f);
    }

    /** Every readable record, sorted by end. */
    public List<JournalRecord> records() {
        List<JournalRecord> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path f : files) {
                load(f).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the journal in " + directory, e);
        }
        out.sort(Comparator.comparing(JournalRecord::end));
        return out;
    }

    private Optional<JournalRecord> load(Path f) {
        try {
            String text = Files.readString(f, StandardCharsets.UTF_8).trim();
            return Optional.of(JournalRecord.decode(text));
        } catch (IOException | IllegalArgumentException e) {
            Path aside = f.resolveSibling(f.getFileName() + ".corrupt");
            LOG.error("journal record {} is unreadable ({}): moved to {}; check that interface by hand", f,
                    e.getMessage(), aside.getFileName());
            try {
                Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException moveFailed) {
                LOG.error("cannot move {} aside: {}", f, moveFailed.toString());
            }
            return Optional.empty();
        }
    }

    private Path file(String end) {
        if (!IntentValidator.validName(end)) {
            throw new IllegalArgumentException("'" + end + "' is not an interface name");
        }
        return directory.resolve(end + SUFFIX);
    }
}
