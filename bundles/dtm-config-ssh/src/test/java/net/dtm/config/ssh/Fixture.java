package net.dtm.config.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

import net.dtm.config.ssh.testkit.DeviceEmulatorServer;
import net.dtm.spi.config.DeviceTarget;

/** Shared helpers: secret files, targets, the IOS prompt pattern. */
final class Fixture {

    static final String USER = "admin";
    static final String PASSWORD = "Tr0ub4dor&3-xyzzy";
    static final Pattern IOS_PROMPT = Pattern.compile("[\\w.()/-]+[#>]\\s?$");
    static final Duration SHORT = Duration.ofSeconds(5);

    private Fixture() {
    }

    static Path secretFile(Path dir, String name, String content, String perms) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        return file;
    }

    static Path passwordFile(Path dir) throws IOException {
        return secretFile(dir, "device.secret", PASSWORD + "\nsecond line is ignored\n", "rw-------");
    }

    static Path openSshKeyFile(Path dir, KeyPair key) throws IOException, GeneralSecurityException {
        Path file = dir.resolve("id_device");
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "dtm-test", null, out);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    static DeviceTarget target(DeviceEmulatorServer server, Path secret) {
        return target(server.host(), server.port(), secret);
    }

    static DeviceTarget target(String host, int port, Path secret) {
        return new DeviceTarget("cisco-ios", "", "", host, port, USER, Optional.ofNullable(secret), Map.of());
    }
}
