package net.dtm.config.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.config.ConfigException;

class SecretFileReaderTest {

    @TempDir
    Path dir;

    @Test
    void theFirstLineIsThePasswordAndNeverShows() throws Exception {
        Path file = Fixture.secretFile(dir, "pw", "hunter2-secret\r\nignored\n", "rw-------");
        LoginSecret secret = SecretFileReader.read(file);
        assertFalse(secret.isKey());
        assertEquals("password from " + file, secret.toString());
        assertEquals("x **** y", secret.redaction().apply("x hunter2-secret y"));
    }

    @Test
    void anOpenSshKeyIsAKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        LoginSecret secret = SecretFileReader.read(Fixture.openSshKeyFile(dir, gen.generateKeyPair()));
        assertTrue(secret.isKey());
        assertTrue(secret.toString().startsWith("private key from "));
    }

    @Test
    void groupOrOtherBitsAreRefusedWithTheModeAndTheFix() throws Exception {
        for (String perms : new String[] {"rw-r-----", "rw----r--", "rw------x", "r---w----"}) {
            Path file = Fixture.secretFile(dir, "s-" + perms.replace('-', '_'), "Pa55word\n", perms);
            ConfigException e = assertThrows(ConfigException.class, () -> SecretFileReader.read(file), perms);
            assertTrue(e.getMessage().contains("(" + perms + ")") && e.getMessage().endsWith("run chmod 600 " + file),
                    e.getMessage());
            assertFalse(Secrets.appearIn(e, "Pa55word"));
        }
    }

    @Test
    void anEmptyFileIsRefused() throws Exception {
        Path file = Fixture.secretFile(dir, "empty", "\n", "rw-------");
        ConfigException e = assertThrows(ConfigException.class, () -> SecretFileReader.read(file));
        assertEquals("secret file " + file + " is empty: write the device's password on its first line, or put a"
                + " private key there", e.getMessage());
    }

    @Test
    void aBrokenKeyIsRefusedWithoutQuotingIt() throws Exception {
        String broken = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAnotakeyZZZZ\n-----END OPENSSH PRIVATE KEY-----\n";
        Path file = Fixture.secretFile(dir, "broken", broken, "rw-------");
        ConfigException e = assertThrows(ConfigException.class, () -> SecretFileReader.read(file));
        assertTrue(e.getMessage().startsWith("cannot load the private key in " + file), e.getMessage());
        assertFalse(Secrets.appearIn(e, "AAAAnotakeyZZZZ"));
    }

    @Test
    void aDirectoryIsNotASecretFile() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ConfigException e = assertThrows(ConfigException.class, () -> SecretFileReader.read(sub));
        assertEquals("secret file " + sub + " is not a regular file", e.getMessage());
    }
}
