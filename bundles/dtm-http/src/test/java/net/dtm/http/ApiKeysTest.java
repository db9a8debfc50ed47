package net.dtm.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.ApiKey;
import net.dtm.api.ApiKeyService.Created;

/** File-backed API keys: format, hashing, round trip, tampering, expiry, revocation, concurrency. */
class ApiKeysTest {

    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static ApiKeys keys(Path file) {
        return keysAt(file, T0);
    }

    /** Keys of {@code file} as a node whose clock says {@code now} sees them. */
    private static ApiKeys keysAt(Path file, Instant now) {
        return new ApiKeys(file, Clock.fixed(now, ZoneOffset.UTC), new SecureRandom());
    }

    @Test
    void aCreatedKeyAuthenticatesAndOnlyItsHashIsStored() throws Exception {
        Path file = dir.resolve("etc/dtm-api-keys");
        ApiKeys keys = keys(file);
        Created c = keys.create(ApiKey.Role.ADMIN, "inventory sync", Optional.empty());

        assertTrue(c.secret().matches("dtmak1-[a-z0-9]{12}-[A-Za-z0-9_-]{43}"), c.secret());
        assertEquals(c.key().id(), c.secret().substring(7, 19));
        assertEquals(Optional.of(c.key()), keys.authenticate(c.secret()));
        String text = Files.readString(file);
        assertFalse(text.contains(c.secret().substring(20)), "the secret is not stored");
        assertTrue(text.contains(KeyText.sha256Hex(c.secret())));
        assertTrue(text.contains(c.key().id() + " admin " + KeyText.sha256Hex(c.secret())
                + " 2026-12-01T10:00:00Z - active inventory sync\n"), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(c.toString().contains(c.secret()));
    }

    @Test
    void wrongOrMalformedKeysDoNotAuthenticate() {
        ApiKeys keys = keys(dir.resolve("k"));
        Created c = keys.create(ApiKey.Role.VIEWER, "", Optional.empty());
        String other = c.secret().substring(0, c.secret().length() - 1) + (c.secret().endsWith("A") ? "B" : "A");
        assertEquals(Optional.empty(), keys.authenticate(other));
        assertEquals(Optional.empty(), keys.authenticate(c.secret() + "x"));
        assertEquals(Optional.empty(), keys.authenticate(""));
        assertEquals(Optional.empty(), keys.authenticate(null));
        assertEquals(Optional.empty(), keys.authenticate(KeyText.newKey("abcdefghijkl", new SecureRandom())));
    }

    @Test
    void theFileRoundTripsIntoAnotherInstanceAndChangesOnDiskAreSeen() {
        Path file = dir.resolve("keys");
        ApiKeys first = keys(file);
        Created a = first.create(ApiKey.Role.VIEWER, "a b  c", Optional.of(Instant.parse("2027-01-01T00:00:00Z")));
        Created b = first.create(ApiKey.Role.ADMIN, "", Optional.empty());

        ApiKeys second = keys(file);
        assertEquals(first.keys(), second.keys());
        assertEquals(List.of(a.key(), b.key()), second.keys());
        assertEquals(Optional.of(b.key()), second.authenticate(b.secret()));

        Created c = second.create(ApiKey.Role.ADMIN, "made elsewhere", Optional.empty());
        assertEquals(Optional.of(c.key()), first.authenticate(c.secret()), "the first sees the second's key");
        assertTrue(second.revoke(a.key().id()));
        assertEquals(Optional.empty(), first.authenticate(a.secret()), "and its revocation");
    }

    @Test
    void revokedAndDeletedKeysStopWorking() {
        ApiKeys keys = keys(dir.resolve("k"));
        Created a = keys.create(ApiKey.Role.ADMIN, "a", Optional.empty());
        Created b = keys.create(ApiKey.Role.ADMIN, "b", Optional.empty());

        assertTrue(keys.revoke(a.key().id()));
        assertEquals(Optional.empty(), keys.authenticate(a.secret()));
        assertTrue(keys.keys().get(0).revoked());
        assertTrue(keys.delete(b.key().id()));
        assertEquals(Optional.empty(), keys.authenticate(b.secret()));
        assertEquals(1, keys.keys().size());
        assertFalse(keys.revoke("nosuchkeyid0"));
        assertFalse(keys.delete("nosuchkeyid0"));
    }

    @Test
    void aKeyExpires() {
        Path file = dir.resolve("k");
        Instant expiry = T0.plus(Duration.ofDays(90));
        Created c = keys(file).create(ApiKey.Role.VIEWER, "", Optional.of(expiry));
        assertTrue(keysAt(file, expiry.minusSeconds(1)).authenticate(c.secret()).isPresent());
        ApiKeys later = keysAt(file, expiry);
        assertEquals(Optional.empty(), later.authenticate(c.secret()));
        assertEquals(1, later.keys().size(), "still listed");
        assertThrows(IllegalArgumentException.class, () -> later.create(ApiKey.Role.VIEWER, "", Optional.of(expiry)));
    }

    @Test
    void anEditedHashLetsTheKeyNoLongerIn() throws Exception {
        Path file = dir.resolve("k");
        ApiKeys keys = keys(file);
        Created c = keys.create(ApiKey.Role.ADMIN, "", Optional.empty());
        String hash = KeyText.sha256Hex(c.secret());
        String flipped = (hash.charAt(0) == '0' ? "1" : "0") + hash.substring(1);
        Files.writeString(file, Files.readString(file).replace(hash, flipped) + "\n");

        assertEquals(Optional.empty(), keys.authenticate(c.secret()));
    }

    @Test
    void aMalformedFileIsReportedAndChangesNothing() throws Exception {
        Path file = dir.resolve("k");
        ApiKeys keys = keys(file);
        Created c = keys.create(ApiKey.Role.ADMIN, "", Optional.empty());
        String good = Files.readString(file);
        String[] bad = {
            good.replace(" admin ", " root "),
            good.replace(" active ", " maybe "),
            good + good.lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow() + "\n",
            good.replace(KeyText.sha256Hex(c.secret()), "abc"),
            good.replace("2026-12-01T10:00:00Z", "yesterday"),
            good + "just some words\n",
        };
        for (String text : bad) {
            Files.writeString(file, text);
            byte[] before = Files.readAllBytes(file);

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> keys.create(ApiKey.Role.VIEWER, "", Optional.empty()));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(" line "), e.getMessage());
            assertThrows(IllegalStateException.class, () -> keys.revoke(c.key().id()));
            assertThrows(IllegalStateException.class, () -> new ApiKeyFile(file).read());
            assertArrayEquals(before, Files.readAllBytes(file), "the file is left as it is");
            assertEquals(Optional.of(c.key()), keys.authenticate(c.secret()), "keys read before keep working");
        }
        assertEquals(List.of(), keys(file).keys(), "a node starting on a malformed file has no keys");
        Files.writeString(file, good);
        assertTrue(keys.create(ApiKey.Role.VIEWER, "", Optional.empty()).secret().startsWith("dtmak1-"));
    }

    @Test
    void concurrentCreatesFromTwoInstancesAreAllKept() throws Exception {
        Path file = dir.resolve("k");
        ApiKeys one = keys(file);
        ApiKeys two = keys(file);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Created>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 80; i++) {
                ApiKeys k = i % 2 == 0 ? one : two;
                String label = "key " + i;
                futures.add(pool.submit((Callable<Created>) () -> k.create(ApiKey.Role.VIEWER, label, Optional.empty())));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Created> f : futures) {
                ids.add(f.get().key().id());
            }
            assertEquals(80, ids.size());
            ApiKeys fresh = keys(file);
            assertEquals(80, fresh.keys().size());
            for (Future<Created> f : futures) {
                assertTrue(fresh.authenticate(f.get().secret()).isPresent());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(file.getFileName().toString(), file.getFileName() + ".lock"),
                Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
        assertTrue(Files.readString(file, StandardCharsets.UTF_8).startsWith("# DTM API keys"));
    }

    @Test
    void labelsCannotBreakTheFile() {
        Path file = dir.resolve("k");
        ApiKeys keys = keys(file);
        Created c = keys.create(ApiKey.Role.ADMIN, " two\nlines\tand tab ", Optional.empty());
        assertEquals("two lines and tab", c.key().label());
        assertEquals("two lines and tab", keys(file).keys().get(0).label());
        assertThrows(IllegalArgumentException.class, () -> keys.create(ApiKey.Role.ADMIN, "x".repeat(201), Optional.empty()));
    }
}
