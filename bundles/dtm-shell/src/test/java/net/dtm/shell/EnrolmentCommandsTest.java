package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.fakes.FakeDevices;
import net.dtm.api.fakes.FakeEnrolment;
import net.dtm.api.fakes.FakePools;

/** enrolment:create, enrolment:list, enrolment:revoke, enrolment:delete, device:allow-reenrol and what device:list shows of them, over fakes. */
class EnrolmentCommandsTest {

    private static final Instant NOW = FakePools.NOW;

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final FakeEnrolment enrolment = new FakeEnrolment();
    private final FakeDevices devices = new FakeDevices();

    @TempDir
    Path dir;

    private <T extends EnrolmentCommand> T wire(T command) {
        command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        command.enrolment = enrolment;
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return command;
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Runs a command that must be refused: one line starting with {@code prefix}, nothing printed, nothing changed. */
    private String refused(DtmCommand command, String prefix) {
        int changes = enrolment.changes;
        var keys = enrolment.keys();
        var devicesBefore = devices.devices();
        CommandException e = assertThrows(CommandException.class, command::execute);
        String m = e.getMessage();
        assertTrue(m.startsWith(prefix + ": "), "'" + m + "' should start with '" + prefix + "'");
        assertFalse(m.contains("\n"), "one line: " + m);
        assertEquals(changes, enrolment.changes, "a refused command changed something: " + m);
        assertEquals(keys, enrolment.keys());
        assertEquals(devicesBefore, devices.devices());
        assertEquals("", output(), "a refused command printed");
        return m;
    }

    // enrolment:create

    @Test
    void createIsSingleUseForAnyDeviceForSevenDaysAndPrintsTheTokenOnceWithAWarning() throws Exception {
        wire(new EnrolmentCreateCommand()).execute();
        EnrolmentKey key = enrolment.keys().get(0);
        assertEquals(1, key.maxUses());
        assertEquals("*", key.devicePattern());
        assertEquals("", key.pool());
        assertEquals("", key.label());
        assertEquals(NOW.plus(Duration.ofDays(7)), key.expiresAt());
        String token = enrolment.tokens.get(0);
        String out = output();
        assertTrue(out.contains("Token: " + token + "\n"), out);
        assertTrue(out.contains("Enrolment key " + key.id() + " created: devices *, pool (server default), single use, "
                + "expires 2030-01-08 09:00:00Z."), out);
        assertTrue(out.contains("shown only this once"), out);
        assertTrue(out.contains("enrol.key.file"), out);
    }

    @Test
    void createWithEveryOption() throws Exception {
        EnrolmentCreateCommand c = wire(new EnrolmentCreateCommand());
        c.label = "depot north buses";
        c.devices = "bus-n-*";
        c.pool = "demo";
        c.uses = 40;
        c.expires = "30d";
        c.execute();
        EnrolmentKey key = enrolment.keys().get(0);
        assertEquals("depot north buses", key.label());
        assertEquals("bus-n-*", key.devicePattern());
        assertEquals("demo", key.pool());
        assertEquals(40, key.maxUses());
        assertEquals(NOW.plus(Duration.ofDays(30)), key.expiresAt());
        assertTrue(output().contains("(depot north buses): devices bus-n-*, pool demo, up to 40 routers"), output());
    }

    @Test
    void reusableHasNoUseLimit() throws Exception {
        EnrolmentCreateCommand c = wire(new EnrolmentCreateCommand());
        c.reusable = true;
        c.execute();
        assertEquals(0, enrolment.keys().get(0).maxUses());
        assertTrue(output().contains("reusable without limit"), output());
    }

    @Test
    void badArgumentsAreRefusedAndCreateNothing() {
        EnrolmentCreateCommand both = wire(new EnrolmentCreateCommand());
        both.uses = 3;
        both.reusable = true;
        assertEquals("Enrolment key not created: give --uses or --reusable, not both", refused(both, "Enrolment key not created"));
        EnrolmentCreateCommand zero = wire(new EnrolmentCreateCommand());
        zero.uses = 0;
        assertTrue(refused(zero, "Enrolment key not created").contains("--uses must be at least 1"));
        EnrolmentCreateCommand never = wire(new EnrolmentCreateCommand());
        never.expires = "0";
        assertTrue(refused(never, "Enrolment key not created").contains("--expires must be more than 0"));
        EnrolmentCreateCommand tooLong = wire(new EnrolmentCreateCommand());
        tooLong.expires = "3651d";
        assertTrue(refused(tooLong, "Enrolment key not created").contains("at most 3650d"));
        EnrolmentCreateCommand garbled = wire(new EnrolmentCreateCommand());
        garbled.expires = "soon";
        assertTrue(refused(garbled, "Enrolment key not created").contains("'soon' is not a duration"));
        EnrolmentCreateCommand pattern = wire(new EnrolmentCreateCommand());
        pattern.devices = "bus/*";
        assertTrue(refused(pattern, "Enrolment key not created").contains("device pattern"));
        EnrolmentCreateCommand pool = wire(new EnrolmentCreateCommand());
        pool.pool = "nowhere";
        assertEquals("Enrolment key not created: no pool named 'nowhere'", refused(pool, "Enrolment key not created"));
    }

    @Test
    void aTokenFileIsCreatedMode600AndTheTokenIsNotPrinted() throws Exception {
        Path file = dir.resolve("bus.token");
        EnrolmentCreateCommand c = wire(new EnrolmentCreateCommand());
        c.tokenFile = file.toString();
        c.execute();
        String token = enrolment.tokens.get(0);
        assertEquals(token + "\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String out = output();
        assertFalse(out.contains(token), out);
        assertFalse(out.contains(token.substring(token.indexOf('-', "dtmek1-".length()) + 1)), "no part of the secret: " + out);
        assertTrue(out.contains("Enrolment key " + enrolment.keys().get(0).id() + " created"), out);
        assertTrue(out.contains("Its token is in " + file + " (mode 600)"), out);
    }

    @Test
    void anExistingTokenFileIsNeverOverwrittenAndAMissingFolderIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "keep me\n");
        EnrolmentCreateCommand c = wire(new EnrolmentCreateCommand());
        c.tokenFile = file.toString();
        assertEquals("Enrolment key not created: token file " + file + " already exists (it is never overwritten)",
                refused(c, "Enrolment key not created"));
        assertEquals("keep me\n", Files.readString(file));
        EnrolmentCreateCommand d = wire(new EnrolmentCreateCommand());
        d.tokenFile = dir.resolve("no/such/folder/t").toString();
        assertTrue(refused(d, "Enrolment key not created").contains("does not exist"));
    }

    @Test
    void aRefusedKeyLeavesNoTokenFile() {
        Path file = dir.resolve("t");
        EnrolmentCreateCommand c = wire(new EnrolmentCreateCommand());
        c.tokenFile = file.toString();
        c.pool = "nowhere";
        refused(c, "Enrolment key not created");
        assertFalse(Files.exists(file));
    }

    @Test
    void theAuditLineHasTheOptionsButNeverTheToken() throws Exception {
        EnrolmentCreateCommand c = wire(new EnrolmentCreateCommand());
        c.label = "north";
        c.devices = "bus-*";
        String audit = AdminAuditTest.stderrOf(c::execute);
        String token = enrolment.tokens.get(0);
        assertTrue(audit.contains("operator unknown ran: enrolment:create --devices bus-* --expires 7d --label north"), audit);
        assertFalse(audit.contains(token), audit);
        assertFalse(audit.contains(token.substring(token.indexOf('-', "dtmek1-".length()) + 1)), audit);
    }

    // enrolment:list

    @Test
    void listShowsEveryStateAndNoSecret() throws Exception {
        enrolment.put("active1", "bus-*", 5, 2, NOW.plusSeconds(3600), false);
        enrolment.put("expired1", "*", 1, 0, NOW, false);
        enrolment.put("usedup1", "*", 2, 2, NOW.plusSeconds(3600), false);
        enrolment.put("revoked1", "*", 0, 7, NOW.minusSeconds(60), true);
        wire(new EnrolmentListCommand()).execute();
        String out = output();
        assertTrue(out.matches("(?s).*active1\\s*\\|[^|]*\\|\\s*bus-\\*\\s*\\|[^|]*\\|\\s*2/5\\s*\\|\\s*2030-01-01 10:00:00Z\\s*\\|\\s*active.*"), out);
        assertTrue(out.matches("(?s).*expired1 .*\\|\\s*expired\\b.*"), out);
        assertTrue(out.matches("(?s).*usedup1 .*\\|\\s*2/2\\s*\\|.*\\|\\s*used-up\\b.*"), out);
        assertTrue(out.matches("(?s).*revoked1 .*\\|\\s*7/unlimited\\s*\\|.*\\|\\s*revoked\\b.*"), out);
    }

    @Test
    void listAsJson() throws Exception {
        enrolment.put("active1", "bus-*", 5, 2, NOW.plusSeconds(3600), false);
        EnrolmentListCommand c = wire(new EnrolmentListCommand());
        c.json = true;
        c.execute();
        assertEquals("[{\"id\":\"active1\",\"label\":\"\",\"devices\":\"bus-*\",\"pool\":\"\",\"uses\":2,\"maxUses\":5,"
                + "\"createdAt\":\"2029-12-02T09:00:00Z\",\"expiresAt\":\"2030-01-01T10:00:00Z\",\"state\":\"active\"}]\n",
                output());
    }

    @Test
    void anEmptyListSaysSo() throws Exception {
        wire(new EnrolmentListCommand()).execute();
        assertTrue(output().contains("no enrolment keys"), output());
    }

    // enrolment:revoke, enrolment:delete

    @Test
    void revokeStopsAKeyOnceAndSaysSoTheSecondTime() throws Exception {
        enrolment.put("active1", "*", 1, 0, NOW.plusSeconds(3600), false);
        EnrolmentRevokeCommand c = wire(new EnrolmentRevokeCommand());
        c.id = "active1";
        c.execute();
        assertTrue(enrolment.key("active1").orElseThrow().revoked());
        assertTrue(output().contains("Enrolment key active1 revoked"), output());
        c.execute();
        assertTrue(output().contains("Enrolment key active1 was already revoked."), output());
    }

    @Test
    void revokeOrDeleteOfAnUnknownOrMalformedIdIsRefused() {
        EnrolmentRevokeCommand r = wire(new EnrolmentRevokeCommand());
        r.id = "nokey1";
        assertEquals("Enrolment key not revoked: no enrolment key 'nokey1'", refused(r, "Enrolment key not revoked"));
        r.id = "Bad Id";
        assertTrue(refused(r, "Enrolment key not revoked").contains("'Bad Id' is not an enrolment key id"));
        EnrolmentDeleteCommand d = wire(new EnrolmentDeleteCommand());
        d.id = "nokey1";
        assertEquals("Enrolment key not deleted: no enrolment key 'nokey1'", refused(d, "Enrolment key not deleted"));
    }

    @Test
    void deleteTidiesKeysThatEnrolNothingMoreAndRefusesAnActiveOne() throws Exception {
        enrolment.put("active1", "*", 1, 0, NOW.plusSeconds(3600), false);
        enrolment.put("expired1", "*", 1, 0, NOW, false);
        enrolment.put("revoked1", "*", 1, 0, NOW.plusSeconds(3600), true);
        EnrolmentDeleteCommand active = wire(new EnrolmentDeleteCommand());
        active.id = "active1";
        assertEquals("Enrolment key not deleted: enrolment key active1 is still active: revoke it first "
                + "(enrolment:revoke active1)", refused(active, "Enrolment key not deleted"));
        for (String id : new String[] {"expired1", "revoked1"}) {
            EnrolmentDeleteCommand d = wire(new EnrolmentDeleteCommand());
            d.id = id;
            d.execute();
            assertTrue(enrolment.key(id).isEmpty(), id);
        }
        assertTrue(output().contains("Enrolment key expired1 (expired) deleted."), output());
        assertTrue(output().contains("Enrolment key revoked1 (revoked) deleted."), output());
    }

    // device:allow-reenrol

    private DeviceAllowReenrolCommand allow(String id) {
        DeviceAllowReenrolCommand c = new DeviceAllowReenrolCommand();
        c.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        c.devices = devices;
        c.id = id;
        return c;
    }

    @Test
    void allowReenrolDefaultsToADayAndWithdrawEndsIt() throws Exception {
        DeviceId bus = DeviceId.of("bus-7");
        devices.devices.put(bus, DeviceCredential.enrolledBy(bus, new byte[32], NOW, new byte[32]));
        allow("bus-7").execute();
        assertEquals(NOW.plus(Duration.ofHours(24)), devices.device(bus).orElseThrow().reenrolUntil());
        assertTrue(output().contains("Device bus-7 may re-enrol until 2030-01-02 09:00:00Z: its router may fetch its "
                + "current key, or another router with a valid enrolment key for bus-7 may take it over"), output());
        DeviceAllowReenrolCommand two = allow("bus-7");
        two.within = "2h";
        two.execute();
        assertEquals(NOW.plus(Duration.ofHours(2)), devices.device(bus).orElseThrow().reenrolUntil());
        DeviceAllowReenrolCommand off = allow("bus-7");
        off.withdraw = true;
        off.execute();
        assertNull(devices.device(bus).orElseThrow().reenrolUntil());
        assertTrue(output().contains("Device bus-7 may no longer re-enrol."), output());
    }

    @Test
    void deviceListShowsWhoEnrolledADeviceAndUntilWhenItMayReEnrol() throws Exception {
        DeviceId bus = DeviceId.of("bus-7");
        devices.devices.put(bus, DeviceCredential.enrolledBy(bus, new byte[32], NOW, new byte[32]));
        devices.enroll(DeviceId.of("smr-1"));
        devices.allowReenrolment(bus, Duration.ofHours(2));
        for (boolean json : new boolean[] {false, true}) {
            DeviceListCommand c = new DeviceListCommand();
            c.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
            c.devices = devices;
            c.json = json;
            c.execute();
        }
        String out = output();
        assertTrue(out.matches("(?s).*bus-7\\s*\\|[^|]*\\|\\s*router\\s*\\|\\s*enabled\\s*\\|\\s*\\|\\s*2030-01-01 11:00:00Z.*"), out);
        assertTrue(out.matches("(?s).*smr-1\\s*\\|[^|]*\\|\\s*operator\\s*\\|\\s*enabled\\s*\\|.*"), out);
        assertTrue(out.contains("\"id\":\"bus-7\",\"enrolledAt\":\"2030-01-01T09:00:00Z\",\"disabled\":false,"
                + "\"previousKeyUntil\":null,\"enrolledBy\":\"router\",\"reenrolUntil\":\"2030-01-01T11:00:00Z\"}"), out);
    }

    @Test
    void allowReenrolOfAnOperatorEnrolledDeviceSaysOnlyAKeyHolderMayTakeItOver() throws Exception {
        devices.enroll(DeviceId.of("smr-1"));
        allow("smr-1").execute();
        assertTrue(output().contains("it was enrolled by an operator, so a router with a valid enrolment key"), output());
    }

    @Test
    void allowReenrolRefusesBadArgumentsAndUnknownDevices() {
        devices.enroll(DeviceId.of("smr-1"));
        assertEquals("Re-enrolment not allowed: device smr-2 is not enrolled", refused(allow("smr-2"), "Re-enrolment not allowed"));
        DeviceAllowReenrolCommand both = allow("smr-1");
        both.within = "1h";
        both.withdraw = true;
        assertEquals("Re-enrolment allowance not withdrawn: give --within or --withdraw, not both",
                refused(both, "Re-enrolment allowance not withdrawn"));
        DeviceAllowReenrolCommand bad = allow("smr-1");
        bad.within = "-1h";
        assertTrue(refused(bad, "Re-enrolment not allowed").contains("is not a duration"));
    }
}
