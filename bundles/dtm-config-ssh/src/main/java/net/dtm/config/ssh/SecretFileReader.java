package net.dtm.config.ssh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

import net.dtm.spi.config.ConfigException;

/**
 * Reads a device's secret file: it must exist and be readable by its owner only; a file that holds
 * a private key (PEM or OpenSSH, {@code -----BEGIN ...}) gives keys, any other file's first line is
 * the password. No message says anything about the file's content.
 */
final class SecretFileReader {

    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFileReader() {
    }

    /** Reads {@code file}. */
    static LoginSecret read(Path file) throws ConfigException {
        checkPermissions(file);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read secret file " + file + " (" + e.getClass().getSimpleName()
                    + "): make it readable by the user DTM runs as, mode 600", false);
        }
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.stripLeading().startsWith("-----BEGIN") || text.contains("OPENSSH PRIVATE KEY")) {
            return LoginSecret.keys(file.toString(), parseKeys(file, content));
        }
        String firstLine = text.lines().findFirst().orElse("");
        if (firstLine.isEmpty()) {
            throw new ConfigException("secret file " + file + " is empty: write the device's password on its first"
                    + " line, or put a private key there", false);
        }
        return LoginSecret.password(file.toString(), firstLine);
    }

    private static void checkPermissions(Path file) throws ConfigException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("secret file " + file + " does not exist: write the device's password (first"
                    + " line) or private key there and chmod 600 " + file, false);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the owner-only rule cannot be checked there
            return;
        } catch (IOException e) {
            throw new ConfigException("cannot read the permissions of secret file " + file + " ("
                    + e.getClass().getSimpleName() + "): check the file and its directories", false);
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("secret file " + file + " is not a regular file", false);
        }
        Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
        open.addAll(perms);
        open.retainAll(GROUP_OR_OTHER);
        if (!open.isEmpty()) {
            throw new ConfigException("secret file " + file + " has mode " + octal(perms) + " ("
                    + PosixFilePermissions.toString(perms) + "), readable by others than its owner: run chmod 600 "
                    + file, false);
        }
    }

    private static List<KeyPair> parseKeys(Path file, byte[] content) throws ConfigException {
        List<KeyPair> keys = new ArrayList<>();
        try {
            Iterable<KeyPair> parsed = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()),
                    new ByteArrayInputStream(content), FilePasswordProvider.EMPTY);
            if (parsed != null) {
                parsed.forEach(keys::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new ConfigException("cannot load the private key in " + file + " (" + e.getClass().getSimpleName()
                    + "): it must be an unencrypted OpenSSH or PEM key, RSA or ECDSA (Ed25519 needs BouncyCastle"
                    + " in the container, as Karaf's ssh feature installs it); remove a passphrase with"
                    + " ssh-keygen -p -N '' -f " + file, false, e);
        }
        if (keys.isEmpty()) {
            throw new ConfigException("no private key found in " + file + ": it must be an unencrypted OpenSSH or"
                    + " PEM key", false);
        }
        return keys;
    }

    private static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%03o", mode);
    }
}
