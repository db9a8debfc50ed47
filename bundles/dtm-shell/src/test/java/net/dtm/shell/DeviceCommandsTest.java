package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.fakes.FakeDevices;
import net.dtm.api.fakes.FakePools;

/** device:remove, device:rekey, device:disable, device:enable, and how device:add and device:rekey take a key. */
class DeviceCommandsTest {

    private static final String HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final DeviceId SMR1 = DeviceId.of("smr-1");

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final FakePools pools = new FakePools();
    private final FakeDevices devices = new FakeDevices();
    private final List<String> prompts = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void data() throws Exception {
        devices.enroll(SMR1);
        pools.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
        pools.createPool(Pool.of("fixed", "10.65.0.0/16", 3600));
        pools.addLease("demo", "smr-1", "10.64.0.2", LeaseState.BOUND, 7);
        pools.addLease("fixed", "smr-1", "10.65.0.9", LeaseState.BOUND, 3, FakePools.NOW.plusSeconds(60), true);
        pools.addLease("demo", "smr-2", "10.64.0.3", LeaseState.BOUND, 1);
    }

    private <T extends DeviceCommand> T wire(T command, String id) {
        command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        command.devices = devices;
        command.id = id;
        return command;
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private KeyInput.Prompt typed(String answer) {
        return (text, mask) -> {
            prompts.add(text + "|" + mask);
            return answer;
        };
    }

    // device:remove

    @Test
    void removeDropsTheDeviceAndReleasesItsLeasesEndingAReservation() throws Exception {
        DeviceRemoveCommand c = wire(new DeviceRemoveCommand(), "smr-1");
        c.pools = pools;
        c.execute();
        assertTrue(devices.device(SMR1).isEmpty());
        assertEquals(LeaseState.RELEASED, pools.lease("demo", SMR1).orElseThrow().state());
        assertEquals(LeaseState.RELEASED, pools.lease("fixed", SMR1).orElseThrow().state());
        assertFalse(pools.lease("fixed", SMR1).orElseThrow().reserved(), "the reservation is ended");
        assertEquals(LeaseState.BOUND, pools.lease("demo", DeviceId.of("smr-2")).orElseThrow().state(), "others untouched");
        String out = output();
        assertTrue(out.contains("Device smr-1 removed"), out);
        assertTrue(out.contains("10.64.0.2 in pool demo; free after the quarantine"), out);
        assertTrue(out.contains("10.65.0.9 in pool fixed and ended its reservation"), out);
    }

    @Test
    void removeOfAnUnknownDeviceIsAClearErrorAndReleasesNothing() throws Exception {
        DeviceRemoveCommand c = wire(new DeviceRemoveCommand(), "smr-2");
        c.pools = pools;
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertEquals("Device not removed: device smr-2 is not enrolled", e.getMessage());
        assertEquals(LeaseState.BOUND, pools.lease("demo", DeviceId.of("smr-2")).orElseThrow().state());
    }

    @Test
    void removeWithoutThePoolServiceSaysTheLeasesWereNotReleased() throws Exception {
        wire(new DeviceRemoveCommand(), "smr-1").execute();
        assertTrue(devices.device(SMR1).isEmpty());
        assertTrue(output().contains("Its leases were not released"), output());
    }

    @Test
    void removeGoesOnWhenOnePoolRefusesAndSaysSo() throws Exception {
        AddressPoolAdminService refusingDemo = (AddressPoolAdminService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AddressPoolAdminService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("release") && "demo".equals(args[0])) {
                        throw new IllegalStateException("store down");
                    }
                    try {
                        return method.invoke(pools, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        DeviceRemoveCommand c = wire(new DeviceRemoveCommand(), "smr-1");
        c.pools = refusingDemo;
        c.execute();
        String out = output();
        assertTrue(out.contains("Could not release its lease in pool demo: store down (lease:release demo smr-1 later)."), out);
        assertEquals(LeaseState.RELEASED, pools.lease("fixed", SMR1).orElseThrow().state(), "the other pool's lease is released");
    }

    // device:disable, device:enable

    @Test
    void disableAndEnableSayWhatChanged() throws Exception {
        wire(new DeviceDisableCommand(), "smr-1").execute();
        assertTrue(devices.device(SMR1).orElseThrow().disabled());
        wire(new DeviceDisableCommand(), "smr-1").execute();
        wire(new DeviceEnableCommand(), "smr-1").execute();
        assertFalse(devices.device(SMR1).orElseThrow().disabled());
        wire(new DeviceEnableCommand(), "smr-1").execute();
        String out = output();
        assertTrue(out.contains("Device smr-1 disabled: its requests are dropped on every node."), out);
        assertTrue(out.contains("Device smr-1 was already disabled."), out);
        assertTrue(out.contains("Device smr-1 enabled."), out);
        assertTrue(out.contains("Device smr-1 was not disabled."), out);
    }

    @Test
    void disableEnableAndRekeyOfAnUnknownOrMalformedDeviceAreClearErrors() {
        assertEquals("Device not disabled: device nobody is not enrolled",
                assertThrows(CommandException.class, wire(new DeviceDisableCommand(), "nobody")::execute).getMessage());
        assertEquals("Device not enabled: device nobody is not enrolled",
                assertThrows(CommandException.class, wire(new DeviceEnableCommand(), "nobody")::execute).getMessage());
        assertEquals("Device not re-keyed: device nobody is not enrolled",
                assertThrows(CommandException.class, wire(new DeviceRekeyCommand(), "nobody")::execute).getMessage());
        assertTrue(assertThrows(CommandException.class, wire(new DeviceDisableCommand(), "no spaces")::execute)
                .getMessage().startsWith("Device not disabled: "));
        DeviceDisableCommand missing = new DeviceDisableCommand();
        missing.id = "smr-1";
        assertTrue(assertThrows(CommandException.class, missing::execute).getMessage().contains("dtm-server"));
    }

    @Test
    void listShowsDisabledDevicesAndUntilWhenAnOldKeyIsAccepted() throws Exception {
        devices.disable(SMR1);
        devices.rekey(SMR1, Duration.ofHours(1));
        devices.enroll(DeviceId.of("smr-2"));
        for (boolean json : new boolean[] {false, true}) {
            DeviceListCommand c = new DeviceListCommand();
            c.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
            c.devices = devices;
            c.json = json;
            c.execute();
        }
        String out = output();
        String row = Arrays.stream(out.split("\n")).filter(l -> l.contains("smr-1") && !l.startsWith("[")).findFirst().orElseThrow();
        assertTrue(row.contains("disabled") && row.contains("2030-01-01 10:00:00Z"), row);
        assertTrue(out.contains("\"id\":\"smr-1\",\"enrolledAt\":\"2025-06-01T08:00:00Z\",\"disabled\":true,"
                + "\"previousKeyUntil\":\"2030-01-01T10:00:00Z\""), out);
        assertTrue(out.contains("\"id\":\"smr-2\",\"enrolledAt\":\"2025-06-01T08:00:00Z\",\"disabled\":false,"
                + "\"previousKeyUntil\":null"), out);
        assertFalse(out.contains(devices.device(SMR1).orElseThrow().keyHex()));
    }

    // device:rekey

    @Test
    void rekeyPrintsTheNewKeyOnceAndTheOverlap() throws Exception {
        byte[] old = devices.device(SMR1).orElseThrow().key();
        DeviceRekeyCommand c = wire(new DeviceRekeyCommand(), "smr-1");
        c.overlap = "15m";
        c.execute();
        DeviceCredential now = devices.device(SMR1).orElseThrow();
        assertArrayEquals(old, now.previousKey());
        assertEquals(FakePools.NOW.plus(Duration.ofMinutes(15)), now.previousKeyUntil());
        String out = output();
        assertTrue(out.contains("Key: " + now.keyHex()), out);
        assertTrue(out.contains("Its old key is accepted until 2030-01-01 09:15:00Z."), out);
        assertTrue(out.contains("not shown again"), out);
    }

    @Test
    void rekeyWithoutOverlapByDefaultAndABadOverlapIsRefused() throws Exception {
        DeviceRekeyCommand c = wire(new DeviceRekeyCommand(), "smr-1");
        c.execute();
        // the old key is kept (a key fetch is sealed with it) but not accepted
        assertTrue(devices.device(SMR1).orElseThrow().previousKeyAt(FakePools.NOW).isEmpty());
        assertTrue(output().contains("Its old key is no longer accepted."), output());
        DeviceCredential before = devices.device(SMR1).orElseThrow();
        c.overlap = "soon";
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().startsWith("Device not re-keyed: 'soon' is not a duration"), e.getMessage());
        assertEquals(before, devices.device(SMR1).orElseThrow());
    }

    @Test
    void rekeyAndAddTakeTheKeyFromAFileNeverEchoingIt() throws Exception {
        Path file = dir.resolve("smr-1.key");
        Files.writeString(file, HEX + "\n");
        DeviceRekeyCommand c = wire(new DeviceRekeyCommand(), "smr-1");
        c.keyFile = file.toString();
        c.execute();
        assertEquals(HEX, devices.device(SMR1).orElseThrow().keyHex());

        DeviceAddCommand add = new DeviceAddCommand();
        add.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        add.devices = devices;
        add.id = "smr-7";
        add.keyFile = file.toString();
        add.execute();
        assertEquals(HEX, devices.device(DeviceId.of("smr-7")).orElseThrow().keyHex());
        assertFalse(output().contains(HEX), output());
        assertFalse(output().contains("Warning"), output());
    }

    @Test
    void keyMinusPromptsMaskedAndAKeyOnTheCommandLineWarnsOfTheHistory() throws Exception {
        DeviceRekeyCommand c = wire(new DeviceRekeyCommand(), "smr-1");
        c.key = "-";
        c.prompt = typed(HEX);
        c.execute();
        assertEquals(HEX, devices.device(SMR1).orElseThrow().keyHex());
        assertEquals(List.of("Key (64 hex digits): |*"), prompts);
        assertFalse(output().contains(HEX));
        assertFalse(output().contains("Warning"));

        DeviceAddCommand add = new DeviceAddCommand();
        add.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        add.devices = devices;
        add.id = "smr-8";
        add.key = HEX;
        add.execute();
        assertTrue(output().contains(KeyInput.HISTORY_WARNING), output());
        assertFalse(output().contains(HEX));
    }

    @Test
    void badKeyInputIsRefusedBeforeAnythingChanges() throws Exception {
        DeviceCredential before = devices.device(SMR1).orElseThrow();
        DeviceRekeyCommand c = wire(new DeviceRekeyCommand(), "smr-1");
        c.key = HEX;
        c.keyFile = "x";
        assertEquals("Device not re-keyed: give --key or --key-file, not both",
                assertThrows(CommandException.class, c::execute).getMessage());
        c.key = null;
        c.keyFile = dir.resolve("missing").toString();
        assertTrue(assertThrows(CommandException.class, c::execute).getMessage().contains("does not exist"));
        c.keyFile = null;
        c.key = "-";
        c.prompt = typed("short");
        String message = assertThrows(CommandException.class, c::execute).getMessage();
        assertEquals("Device not re-keyed: the key typed: device key must be 64 hex digits", message);
        assertEquals(before, devices.device(SMR1).orElseThrow());
    }
}
