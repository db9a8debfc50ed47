package net.dtm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.security.auth.Subject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.EnrolmentService;

/**
 * The enrolment commands through the real Karaf shell of the built distribution, against the real
 * EnrolmentService and device registry (Derby): enrolment:create prints a token once or writes it to
 * a mode-600 file, enrolment:list shows the keys and their states, enrolment:revoke and
 * enrolment:delete change the stored key, device:allow-reenrol sets and withdraws a device's
 * allowance; refusals change nothing; a viewer cannot create a key (etc/org.apache.karaf.command.acl.enrolment.cfg);
 * the audit line never holds the token.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EnrolmentShellIT extends DtmTestSupport {

    private static final Pattern CREATED = Pattern.compile("Enrolment key ([a-z0-9]+) created");
    private static final Pattern TOKEN = Pattern.compile("Token: (dtmek1-([a-z0-9]+)-[A-Za-z0-9_-]{43})\\b");

    @Test
    public void createListRevokeAndDeleteAKey() throws Exception {
        EnrolmentService enrolment = service(EnrolmentService.class);
        String label = "itest-" + unique();
        Instant before = Instant.now();
        String printed = executeCommand("enrolment:create --label " + label + " --devices bus-* --pool demo --uses 3 --expires 2h");
        Matcher token = TOKEN.matcher(printed);
        assertTrue("the token is printed: " + printed, token.find());
        assertTrue(printed, printed.contains("shown only this once"));
        String id = token.group(2);
        EnrolmentKey key = enrolment.key(id).orElseThrow(() -> new AssertionError("no key " + id + " stored: " + printed));
        assertEquals(label, key.label());
        assertEquals("bus-*", key.devicePattern());
        assertEquals("demo", key.pool());
        assertEquals(3, key.maxUses());
        assertEquals(0, key.uses());
        assertFalse(key.revoked());
        assertTrue(key.expiresAt().toString(), !key.expiresAt().isBefore(before.plus(Duration.ofHours(2)).minusSeconds(5))
                && !key.expiresAt().isAfter(Instant.now().plus(Duration.ofHours(2))));

        String list = executeCommand("enrolment:list");
        assertTrue(list, list.matches("(?s).*" + id + "\\s*\\|\\s*" + label + "\\s*\\|\\s*bus-\\*\\s*\\|\\s*demo\\s*\\|\\s*0/3\\s*\\|[^|]*\\|\\s*active.*"));
        assertFalse("enrolment:list shows no token", list.contains(token.group(1)));
        String json = executeCommand("enrolment:list --json");
        assertTrue(json, json.contains("{\"id\":\"" + id + "\",\"label\":\"" + label + "\",\"devices\":\"bus-*\",\"pool\":\"demo\","
                + "\"uses\":0,\"maxUses\":3,"));

        try {
            executeCommand("enrolment:delete " + id);
            fail("an active key was deleted");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("Enrolment key not deleted: enrolment key " + id + " is still active"));
        }
        assertTrue(enrolment.key(id).isPresent());

        String revoked = executeCommand("enrolment:revoke " + id);
        assertTrue(revoked, revoked.contains("Enrolment key " + id + " revoked"));
        assertTrue("stored as revoked", enrolment.key(id).orElseThrow().revoked());
        assertTrue(executeCommand("enrolment:list").matches("(?s).*" + id + "\\s*\\|.*\\|\\s*revoked.*"));
        assertTrue(executeCommand("enrolment:revoke " + id).contains("was already revoked"));

        String deleted = executeCommand("enrolment:delete " + id);
        assertTrue(deleted, deleted.contains("Enrolment key " + id + " (revoked) deleted."));
        assertTrue(enrolment.key(id).isEmpty());
        assertFalse(executeCommand("enrolment:list").contains(id));
    }

    @Test
    public void aTokenFileIsMode600AndTheTokenIsNeitherPrintedNorAudited() throws Exception {
        EnrolmentService enrolment = service(EnrolmentService.class);
        Path file = Files.createTempDirectory("dtm-itest-enrol").resolve("fleet.token");
        String printed = executeCommand("enrolment:create --reusable --token-file " + file);
        Matcher created = CREATED.matcher(printed);
        assertTrue(printed, created.find());
        String id = created.group(1);
        String token = Files.readString(file).trim();
        assertTrue(token, token.matches("dtmek1-" + id + "-[A-Za-z0-9_-]{43}"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse("the token is not printed: " + printed, printed.contains(token));
        assertEquals("reusable: no use limit", 0, enrolment.key(id).orElseThrow().maxUses());

        int keys = enrolment.keys().size();
        try {
            executeCommand("enrolment:create --token-file " + file);
            fail("an existing token file was overwritten");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().contains("already exists"));
        }
        assertEquals(token + "\n", Files.readString(file));
        try {
            executeCommand("enrolment:create --pool no-such-pool-" + unique());
            fail("a key for a pool that does not exist was made");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("Enrolment key not created: "));
        }
        assertEquals("refusals made no key", keys, enrolment.keys().size());

        Path securityLog = Path.of(System.getProperty("karaf.log"), "security.log");
        awaitTrue("the audit line of enrolment:create in " + securityLog, Duration.ofSeconds(30),
                () -> Files.isRegularFile(securityLog) && Files.readString(securityLog).contains("ran: enrolment:create --expires 7d --reusable --token-file " + file));
        assertFalse("the token is in the security log", Files.readString(securityLog).contains(token));
        Path karafLog = Path.of(System.getProperty("karaf.log"), "karaf.log");
        assertFalse("the token is in karaf.log", Files.readString(karafLog).contains(token));
        executeCommand("enrolment:revoke " + id);
    }

    @Test
    public void aViewerMayListKeysButNotCreateOne() throws Exception {
        EnrolmentService enrolment = service(EnrolmentService.class);
        Subject viewer = subject("watcher", "viewer", "ssh");
        int keys = enrolment.keys().size();
        awaitTrue("enrolment:create guarded by its ACL", Duration.ofSeconds(60), () -> deniedTo(viewer, "enrolment:create"));
        assertTrue(deniedTo(viewer, "device:allow-reenrol smr-demo-1"));
        assertEquals("the viewer made no key", keys, enrolment.keys().size());
        executeAs(viewer, "enrolment:list");
    }

    @Test
    public void allowReenrolSetsAndWithdrawsTheAllowance() throws Exception {
        DeviceService devices = service(DeviceService.class);
        String id = "itest-re-" + unique();
        executeCommand("device:add " + id);
        Instant before = Instant.now();
        String allowed = executeCommand("device:allow-reenrol --within 2h " + id);
        assertTrue(allowed, allowed.contains("Device " + id + " may re-enrol until "));
        DeviceCredential c = devices.device(DeviceId.of(id)).orElseThrow();
        assertTrue("re-enrolment until " + c.reenrolUntil(), c.reenrolUntil() != null
                && !c.reenrolUntil().isBefore(before.plus(Duration.ofHours(2)).minusSeconds(5)));
        String withdrawn = executeCommand("device:allow-reenrol --withdraw " + id);
        assertTrue(withdrawn, withdrawn.contains("may no longer re-enrol"));
        assertNull(devices.device(DeviceId.of(id)).orElseThrow().reenrolUntil());
        try {
            executeCommand("device:allow-reenrol itest-missing-" + unique());
            fail("re-enrolment allowed for a device that is not enrolled");
        } catch (Exception e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("Re-enrolment not allowed: "));
        }
        executeCommand("device:remove " + id);
    }
}
