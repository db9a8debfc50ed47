package net.dtm.store.derby;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Encryption at rest of a Derby database under a node key: Derby's own data encryption
 * ({@code dataEncryption=true}, AES/CBC/NoPadding with a 256-bit key, protected by a boot
 * password). The boot password is the content of a key file that only its owner may read
 * (mode {@code 0600} or {@code 0400}); it is given to Derby when the database boots. A new
 * database is created encrypted; an existing unencrypted one is encrypted by Derby when it boots
 * with this option (all of its data is rewritten: it takes a while and needs free disk space
 * about the size of the database). Once encrypted, the database cannot be opened without the key.
 * {@link #NONE} leaves the database as it is.
 */
final class DerbyEncryption {

    /** No encryption asked for: the database boots without encryption attributes. */
    static final DerbyEncryption NONE = new DerbyEncryption(null, null);

    /** Derby accepts boot passwords of 8 characters; a node key should be much longer. */
    static final int MIN_KEY_LENGTH = 16;

    private static final String ATTRIBUTES = "dataEncryption=true;encryptionAlgorithm=AES/CBC/NoPadding;"
            + "encryptionKeyLength=256;bootPassword=";

    private final Path keyFile;
    private final String bootPassword;

    private DerbyEncryption(Path keyFile, String bootPassword) {
        this.keyFile = keyFile;
        this.bootPassword = bootPassword;
    }

    /**
     * Encryption with the key in {@code keyFile}: its content, blanks at either end removed, at
     * least {@value #MIN_KEY_LENGTH} characters without blanks or {@code ;} (for example
     * {@code openssl rand -hex 32}).
     *
     * @throws IllegalArgumentException saying what is wrong: the file is missing or unreadable,
     *                                  the group or others may access it, or the key is too short
     */
    static DerbyEncryption fromKeyFile(Path keyFile) {
        Path file = keyFile.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("encryption.key.file " + file + " does not exist or is not a file;"
                    + " create it with e.g. (umask 077; openssl rand -hex 32 > " + file + ")");
        }
        try {
            if (OwnerOnlyFiles.isPosix(file) && OwnerOnlyFiles.openToOthers(file)) {
                throw new IllegalArgumentException("encryption.key.file " + file + " has mode "
                        + java.nio.file.attribute.PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))
                        + ": the group or others may access it; make it readable by its owner only (chmod 600 " + file + ")");
            }
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (key.length() < MIN_KEY_LENGTH || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == ';')) {
                throw new IllegalArgumentException("encryption.key.file " + file + ": the key must be at least "
                        + MIN_KEY_LENGTH + " characters on one line, without blanks or ';' (e.g. openssl rand -hex 32)");
            }
            return new DerbyEncryption(file, key);
        } catch (IOException e) {
            throw new IllegalArgumentException("encryption.key.file " + file + " cannot be read: " + e, e);
        }
    }

    /** True if the database is to be encrypted. */
    boolean enabled() {
        return bootPassword != null;
    }

    /** The key file, or null. */
    Path keyFile() {
        return keyFile;
    }

    /** Derby connection attributes that boot (and if need be encrypt) the database; empty for {@link #NONE}. */
    String connectionAttributes() {
        return bootPassword == null ? "" : ATTRIBUTES + bootPassword;
    }

    /** True if the database in {@code directory} exists and Derby recorded it as encrypted. */
    static boolean isEncrypted(Path directory) {
        Path service = directory.resolve("service.properties");
        if (!Files.isRegularFile(service)) {
            return false;
        }
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader r = Files.newBufferedReader(service, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        } catch (IOException e) {
            return false;
        }
        return "true".equalsIgnoreCase(p.getProperty("dataEncryption", "").trim());
    }

    /** Never the key. */
    @Override
    public String toString() {
        return keyFile == null ? "no encryption" : "encryption under key file " + keyFile;
    }
}
