package net.dtm.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.RouterKeyPair;

/** The router key, enrolment token and credential files: modes, atomic writes, formats old and new, bad content. */
class EnrolmentFilesTest {

    @TempDir
    Path dir;

    static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void routerKeyIsCreatedOnceWithMode600AndReadBack() throws Exception {
        Path file = dir.resolve("keys/dtm-router.key");
        RouterKeyPair first = RouterKeyFile.loadOrCreate(file);
        assertEquals("rw-------", mode(file));
        RouterKeyPair again = RouterKeyFile.loadOrCreate(file);
        assertArrayEquals(first.publicKey(), again.publicKey());
        assertArrayEquals(first.privateKey(), again.privateKey());
        try (var left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "no temporary file left");
        }
    }

    @Test
    void aCorruptRouterKeyFileIsAClearErrorAndIsNotOverwritten() throws Exception {
        Path file = dir.resolve("dtm-router.key");
        for (String bad : new String[] {"not base64 !!\n", "AAAA\n", ""}) {
            Files.writeString(file, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RouterKeyFile.loadOrCreate(file));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("left as it is"), e.getMessage());
            assertEquals(bad, Files.readString(file), "nothing overwritten");
        }
    }

    @Test
    void aRouterKeyFileOthersCanReadIsTightened() throws Exception {
        Path file = dir.resolve("dtm-router.key");
        RouterKeyPair made = RouterKeyFile.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertArrayEquals(made.publicKey(), RouterKeyFile.loadOrCreate(file).publicKey());
        assertEquals("rw-------", mode(file));
    }

    @Test
    void createNeverReplacesAnExistingFile() throws Exception {
        Path file = dir.resolve("f");
        assertTrue(PrivateFiles.create(file, "one\n"));
        assertFalse(PrivateFiles.create(file, "two\n"));
        assertEquals("one\n", Files.readString(file));
        assertEquals("rw-------", mode(file));
    }

    @Test
    void theTokenFileIsReadAndTightenedTo600() throws Exception {
        EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
        Path file = dir.resolve("dtm-enrol.token");
        Files.writeString(file, "  " + token.token() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
        EnrolmentToken read = TokenFile.read(file);
        assertEquals(token.id(), read.id());
        assertArrayEquals(token.publicKey(), read.publicKey());
        assertEquals("rw-------", mode(file));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        TokenFile.read(file);
        assertEquals("r--------", mode(file), "an owner-only mode is left as it is");
    }

    @Test
    void aMalformedTokenNamesTheFileAndNeverEchoesTheSecret() throws Exception {
        EnrolmentToken token = EnrolmentToken.generate(new SecureRandom());
        String text = token.token();
        String secret = text.substring(text.indexOf('-', "dtmek1-".length()) + 1);
        Path file = dir.resolve("dtm-enrol.token");
        for (String bad : new String[] {text.substring(0, text.length() - 3), "dtmek2" + text.substring(6), secret, ""}) {
            Files.writeString(file, bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenFile.read(file));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertFalse(e.getMessage().contains(secret.substring(0, 20)), "secret echoed: " + e.getMessage());
        }
    }

    @Test
    void credentialFilesOfEarlierReleasesAreReadAsBefore() throws Exception {
        String hex = HexFormat.of().formatHex(TunnelAgentTest.KEY);
        CredentialFile.Credential c = CredentialFile.parse(" " + hex + "\n");
        assertArrayEquals(TunnelAgentTest.KEY, c.key());
        assertEquals("", c.pool());
        assertFalse(c.enrolled());
        assertThrows(IllegalArgumentException.class, () -> CredentialFile.parse(hex.substring(2)));
        assertThrows(IllegalArgumentException.class, () -> CredentialFile.parse(""));
        assertThrows(IllegalArgumentException.class, () -> CredentialFile.parse(hex + "\nbuses\n"));
        assertEquals("buses", CredentialFile.parse(hex + "\n\npool = buses\nlater=ignored\n").pool());
    }

    @Test
    void anEnrolledCredentialIsWrittenAtomicallyWithMode600AndReadBack() throws Exception {
        Path file = dir.resolve("dtm-keys/smr-1.key");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old content\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        CredentialFile.writeEnrolled(file, TunnelAgentTest.KEY, "buses");
        assertEquals("rw-------", mode(file));
        assertEquals(HexFormat.of().formatHex(TunnelAgentTest.KEY) + "\npool=buses\nenrolled=router\n", Files.readString(file));
        CredentialFile.Credential c = CredentialFile.read(file);
        assertArrayEquals(TunnelAgentTest.KEY, c.key());
        assertEquals("buses", c.pool());
        assertTrue(c.enrolled());
        assertFalse(c.toString().contains(HexFormat.of().formatHex(TunnelAgentTest.KEY)), "the key is never shown");
        try (var left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "no temporary file left");
        }
        CredentialFile.writeEnrolled(file, TunnelAgentTest.KEY, "");
        assertEquals("", CredentialFile.read(file).pool());
    }
}
