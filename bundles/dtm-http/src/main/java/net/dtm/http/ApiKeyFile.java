package net.dtm.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import net.dtm.api.ApiKey;

/**
 * The API key file: one key per line, fields separated by one space,
 * {@code <id> <viewer|admin> <sha256 hex> <created ISO-8601> <expires ISO-8601 or -> <active|revoked> <label>}
 * (the label is the rest of the line, possibly empty); {@code #} comments and blank lines are
 * ignored. Read strictly: any malformed line refuses the whole file ({@link Malformed}, naming the
 * file and line). Written atomically (a temporary file, mode 600, moved over the old one) under a
 * lock file beside it, so several processes may share one file.
 */
final class ApiKeyFile {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final String HEADER = """
            # DTM API keys (configuration net.dtm.http, keys.file). Made by apikey:create; only the SHA-256
            # of each key is kept. One key per line, fields separated by one space:
            # id role sha256 created expires(- = never) active|revoked label
            """;
    private static final ConcurrentMap<Path, Object> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path file;

    ApiKeyFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    Path path() {
        return file;
    }

    /** The file cannot be used as it is: nothing was read from it and nothing written to it. */
    static final class Malformed extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Identity of the file's current version on disk (absent: the file does not exist). */
    record Stamp(Object fileKey, long modifiedMillis, long size) {
        static final Stamp ABSENT = new Stamp("absent", -1, -1);
    }

    /** The records read and the version they were read from. */
    record Contents(List<KeyRecord> records, Stamp stamp) {
    }

    /** The version on disk now. */
    Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            Object key = a.fileKey() == null ? "" : a.fileKey();
            return new Stamp(key, a.lastModifiedTime().toMillis(), a.size());
        } catch (NoSuchFileException e) {
            return Stamp.ABSENT;
        } catch (IOException e) {
            throw new Malformed("API key file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads the file; a missing file holds no keys. */
    Contents read() {
        Stamp stamp = stamp();
        if (stamp.equals(Stamp.ABSENT)) {
            return new Contents(List.of(), stamp);
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Malformed("API key file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return new Contents(parse(lines), stamp);
    }

    private List<KeyRecord> parse(List<String> lines) {
        List<KeyRecord> records = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            KeyRecord record;
            try {
                record = parseLine(line);
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new Malformed("API key file " + file + " line " + (i + 1) + ": " + e.getMessage()
                        + " (no key in this file is used until it is fixed)", e);
            }
            if (!ids.add(record.key().id())) {
                throw new Malformed("API key file " + file + " line " + (i + 1) + ": key id "
                        + record.key().id() + " appears twice (no key in this file is used until it is fixed)", null);
            }
            records.add(record);
        }
        return List.copyOf(records);
    }

    private static KeyRecord parseLine(String line) {
        String[] f = line.split(" ", 7);
        if (f.length < 6) {
            throw new IllegalArgumentException("expected 'id role sha256 created expires active|revoked label', found "
                    + f.length + " fields");
        }
        if (!KeyText.validId(f[0])) {
            throw new IllegalArgumentException("key id must be " + KeyText.ID_LENGTH
                    + " lower-case letters or digits: '" + f[0] + "'");
        }
        ApiKey.Role role = switch (f[1]) {
            case "viewer" -> ApiKey.Role.VIEWER;
            case "admin" -> ApiKey.Role.ADMIN;
            default -> throw new IllegalArgumentException("role must be viewer or admin: '" + f[1] + "'");
        };
        if (!HEX64.matcher(f[2]).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
        }
        Instant created = Instant.parse(f[3]);
        Optional<Instant> expires = "-".equals(f[4]) ? Optional.empty() : Optional.of(Instant.parse(f[4]));
        boolean revoked = switch (f[5]) {
            case "active" -> false;
            case "revoked" -> true;
            default -> throw new IllegalArgumentException("state must be active or revoked: '" + f[5] + "'");
        };
        String label = f.length == 7 ? f[6] : "";
        return new KeyRecord(new ApiKey(f[0], role, label, created, expires, revoked), f[2]);
    }

    /** One record as a line (without the line end). */
    static String format(KeyRecord r) {
        ApiKey k = r.key();
        return k.id() + " " + k.role().name().toLowerCase(Locale.ROOT) + " " + r.sha256Hex() + " " + k.createdAt()
                + " " + k.expiresAt().map(Instant::toString).orElse("-") + " " + (k.revoked() ? "revoked" : "active")
                + " " + cleanLabel(k.label());
    }

    /** A label as it can be stored: control characters (line ends) become spaces, trimmed. */
    static String cleanLabel(String label) {
        return label == null ? "" : label.replaceAll("\\p{Cntrl}", " ").strip();
    }

    /**
     * Replaces the file's contents atomically: a temporary file beside it (mode 600 where the file
     * system has POSIX permissions), forced to disk, then moved over the file.
     */
    Stamp write(List<KeyRecord> records) {
        StringBuilder text = new StringBuilder(HEADER);
        for (KeyRecord r : records) {
            text.append(format(r)).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp", ownerOnly());
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
                    ch.force(true);
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new IllegalStateException("API key file " + file + " cannot be written: " + e.getMessage(), e);
        }
        return stamp();
    }

    /**
     * Runs {@code change} holding this file's lock: in this process and, through the lock file
     * {@code <file>.lock}, across processes sharing the file.
     */
    <T> T locked(Supplier<T> change) {
        synchronized (IN_PROCESS.computeIfAbsent(file, f -> new Object())) {
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            try {
                Files.createDirectories(file.getParent());
                try {
                    Files.createFile(lockFile, ownerOnly());
                } catch (FileAlreadyExistsException e) {
                    // made before
                }
                try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                     FileLock lock = ch.lock()) {
                    Objects.requireNonNull(lock);
                    return change.get();
                }
            } catch (IOException e) {
                throw new IllegalStateException("API key file " + file + " cannot be locked: " + e.getMessage(), e);
            }
        }
    }

    private FileAttribute<?>[] ownerOnly() {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(rw)};
    }
}
