package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelType;

class CommandsTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Fakes.Pools pools = new Fakes.Pools();
    private final Fakes.Devices devices = new Fakes.Devices();
    private final Fakes.Agent agent = new Fakes.Agent();

    @BeforeEach
    void data() throws Exception {
        pools.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
        pools.addLease("demo", "smr-1", "10.64.0.2", LeaseState.BOUND, 7);
        pools.addLease("demo", "smr-2", "10.64.0.3", LeaseState.LOCKED, 1);
    }

    private <T extends DtmCommand> T wire(T command) {
        command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        return command;
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    // pool:list

    @Test
    void poolListShowsPrefixLeaseTimeCapacityAndUse() throws Exception {
        PoolListCommand c = wire(new PoolListCommand());
        c.pools = pools;
        c.execute();
        String out = output();
        assertTrue(out.contains("demo"), out);
        assertTrue(out.contains("10.64.0.0/16"), out);
        assertTrue(out.contains("3600"), out);
        assertTrue(out.contains("65533"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("demo") && l.trim().endsWith("2")), out);
    }

    @Test
    void poolListJson() throws Exception {
        PoolListCommand c = wire(new PoolListCommand());
        c.pools = pools;
        c.json = true;
        c.execute();
        assertEquals("[{\"name\":\"demo\",\"prefix\":\"10.64.0.0/16\",\"leaseSeconds\":3600,\"capacity\":65533,\"used\":2}]",
                output().trim());
    }

    @Test
    void poolListWithoutServiceSaysSo() {
        PoolListCommand c = wire(new PoolListCommand());
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("not available") && e.getMessage().contains("dtm-server"), e.getMessage());
    }

    @Test
    void poolListEmpty() throws Exception {
        PoolListCommand c = wire(new PoolListCommand());
        c.pools = new Fakes.Pools();
        c.execute();
        assertTrue(output().contains("no pools"), output());
    }

    // pool:create

    @Test
    void poolCreateCreates() throws Exception {
        PoolCreateCommand c = wire(new PoolCreateCommand());
        c.admin = pools;
        c.name = "fleet";
        c.prefix = "10.65.0.0/24";
        c.leaseSeconds = 600;
        c.execute();
        assertEquals(Pool.of("fleet", "10.65.0.0/24", 600), pools.pool("fleet").orElseThrow());
        assertTrue(output().contains("Pool fleet created"), output());
    }

    @Test
    void poolCreateDefaultLeaseTimeIsOneHour() throws Exception {
        PoolCreateCommand c = wire(new PoolCreateCommand());
        c.admin = pools;
        c.name = "fleet";
        c.prefix = "10.65.0.0/24";
        c.execute();
        assertEquals(3600, pools.pool("fleet").orElseThrow().leaseSeconds());
    }

    @Test
    void poolCreateRejectsBadPrefixAndChangesNothing() {
        for (String bad : new String[] {"10.65.0.1/24", "10.65.0.0", "nonsense/8", "10.65.0.0/31"}) {
            PoolCreateCommand c = wire(new PoolCreateCommand());
            c.admin = pools;
            c.name = "fleet";
            c.prefix = bad;
            CommandException e = assertThrows(CommandException.class, c::execute, bad);
            assertTrue(e.getMessage().startsWith("Pool not created"), e.getMessage());
        }
        assertEquals(1, pools.pools().size());
    }

    @Test
    void poolCreateRejectsBadNameAndLeaseTime() {
        PoolCreateCommand c = wire(new PoolCreateCommand());
        c.admin = pools;
        c.name = "bad name";
        c.prefix = "10.65.0.0/24";
        assertThrows(CommandException.class, c::execute);
        c.name = "ok";
        c.leaseSeconds = 5;
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("lease time"), e.getMessage());
        assertEquals(1, pools.pools().size());
    }

    @Test
    void poolCreateReportsServiceRefusal() {
        PoolCreateCommand c = wire(new PoolCreateCommand());
        c.admin = pools;
        c.name = "overlap";
        c.prefix = "10.64.1.0/24";
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
        assertFalse(pools.pool("overlap").isPresent());
    }

    @Test
    void poolCreateWithoutService() {
        PoolCreateCommand c = wire(new PoolCreateCommand());
        c.name = "x";
        c.prefix = "10.65.0.0/24";
        assertThrows(CommandException.class, c::execute);
    }

    // lease:list

    @Test
    void leaseListShowsEveryColumn() throws Exception {
        LeaseListCommand c = wire(new LeaseListCommand());
        c.pools = pools;
        c.execute();
        String out = output();
        for (String expected : new String[] {"smr-1", "10.64.0.2", "BOUND", "7", "2030-01-01 10:00:00Z", "node-a", "smr-2", "LOCKED"}) {
            assertTrue(out.contains(expected), expected + " in " + out);
        }
    }

    @Test
    void leaseListFiltersByDevice() throws Exception {
        LeaseListCommand c = wire(new LeaseListCommand());
        c.pools = pools;
        c.device = "smr-2";
        c.json = true;
        c.execute();
        assertEquals("[{\"pool\":\"demo\",\"device\":\"smr-2\",\"address\":\"10.64.0.3\",\"state\":\"LOCKED\",\"sequence\":1,"
                + "\"expires\":\"2030-01-01T10:00:00Z\",\"node\":\"node-a\"}]", output().trim());
    }

    @Test
    void leaseListFiltersByPoolAndDevice() throws Exception {
        LeaseListCommand c = wire(new LeaseListCommand());
        c.pools = pools;
        c.pool = "demo";
        c.device = "smr-1";
        c.execute();
        assertTrue(output().contains("smr-1"));
        assertFalse(output().contains("smr-2"));
    }

    @Test
    void leaseListUnknownPoolIsAnError() {
        LeaseListCommand c = wire(new LeaseListCommand());
        c.pools = pools;
        c.pool = "nope";
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("nope"));
    }

    @Test
    void leaseListBadDeviceIdIsAnError() {
        LeaseListCommand c = wire(new LeaseListCommand());
        c.pools = pools;
        c.device = "bad id!";
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("invalid device id"), e.getMessage());
    }

    @Test
    void leaseListEmptyAndMissingService() throws Exception {
        LeaseListCommand c = wire(new LeaseListCommand());
        assertThrows(CommandException.class, c::execute);
        c.pools = new Fakes.Pools();
        c.execute();
        assertTrue(output().contains("no leases"));
    }

    // device:add

    @Test
    void deviceAddPrintsGeneratedKeyOnce() throws Exception {
        DeviceAddCommand c = wire(new DeviceAddCommand());
        c.devices = devices;
        c.id = "smr-9";
        c.execute();
        DeviceCredential stored = devices.device(DeviceId.of("smr-9")).orElseThrow();
        assertTrue(output().contains(stored.keyHex()), output());
        assertTrue(output().contains("not shown again"), output());
    }

    @Test
    void deviceAddWithSuppliedKeyDoesNotEchoIt() throws Exception {
        String hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        DeviceAddCommand c = wire(new DeviceAddCommand());
        c.devices = devices;
        c.id = "smr-9";
        c.key = hex;
        c.execute();
        assertEquals(hex, devices.device(DeviceId.of("smr-9")).orElseThrow().keyHex());
        assertFalse(output().contains(hex));
    }

    @Test
    void deviceAddRejectsBadKeyBadIdAndDuplicates() throws Exception {
        DeviceAddCommand c = wire(new DeviceAddCommand());
        c.devices = devices;
        c.id = "smr-9";
        c.key = "abc";
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("64 hex digits"), e.getMessage());
        c.key = null;
        c.id = "no spaces";
        assertThrows(CommandException.class, c::execute);
        assertTrue(devices.devices().isEmpty());

        c.id = "smr-9";
        c.execute();
        DeviceCredential first = devices.device(DeviceId.of("smr-9")).orElseThrow();
        e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("already enrolled"), e.getMessage());
        assertEquals(first, devices.device(DeviceId.of("smr-9")).orElseThrow());
    }

    @Test
    void deviceAddWithoutService() {
        DeviceAddCommand c = wire(new DeviceAddCommand());
        c.id = "smr-9";
        assertThrows(CommandException.class, c::execute);
    }

    // device:list

    @Test
    void deviceListNeverShowsKeys() throws Exception {
        DeviceCredential d = devices.enroll(DeviceId.of("smr-1"));
        for (boolean json : new boolean[] {false, true}) {
            DeviceListCommand c = wire(new DeviceListCommand());
            c.devices = devices;
            c.json = json;
            c.execute();
        }
        String out = output();
        assertTrue(out.contains("smr-1"));
        assertTrue(out.contains("2025-06-01 08:00:00Z"), out);
        assertTrue(out.contains("[{\"id\":\"smr-1\",\"enrolledAt\":\"2025-06-01T08:00:00Z\"}]"), out);
        assertFalse(out.contains(d.keyHex()));
    }

    @Test
    void deviceListEmptyAndMissingService() throws Exception {
        DeviceListCommand c = wire(new DeviceListCommand());
        assertThrows(CommandException.class, c::execute);
        c.devices = devices;
        c.execute();
        assertTrue(output().contains("no devices enrolled"));
    }

    // tunnel:status

    @Test
    void tunnelStatusEstablished() throws Exception {
        TunnelParameters p = new TunnelParameters(InetAddress.getByName("10.64.0.2"), 16, InetAddress.getByName("10.64.0.1"),
                InetSocketAddress.createUnresolved("127.0.0.1", 4789), TunnelType.VXLAN, 1400, 10, 3600, "node-a");
        agent.status = new TunnelStatus(DeviceId.of("smr-demo-1"), TunnelStatus.State.ESTABLISHED, Optional.of(p),
                Optional.of("127.0.0.1:47800"), Optional.of(Instant.parse("2025-06-01T08:00:00Z")), 23.456,
                Optional.of(Instant.parse("2025-06-01T09:00:00Z")));
        TunnelStatusCommand c = wire(new TunnelStatusCommand());
        c.agent = agent;
        c.execute();
        String out = output();
        for (String expected : new String[] {"smr-demo-1", "ESTABLISHED", "10.64.0.2", "127.0.0.1:47800", "2025-06-01 08:00:00Z",
                "23.5", "2025-06-01 09:00:00Z"}) {
            assertTrue(out.contains(expected), expected + " in " + out);
        }
        c.json = true;
        buffer.reset();
        c.execute();
        assertTrue(output().contains("\"state\":\"ESTABLISHED\"") && output().contains("\"lastEstablishMs\":23.456"), output());
    }

    @Test
    void tunnelStatusIdle() throws Exception {
        agent.status = new TunnelStatus(DeviceId.of("smr-demo-1"), TunnelStatus.State.ESTABLISHING, Optional.empty(),
                Optional.empty(), Optional.empty(), 0, Optional.empty());
        TunnelStatusCommand c = wire(new TunnelStatusCommand());
        c.agent = agent;
        c.execute();
        assertTrue(output().contains("ESTABLISHING"), output());
    }

    @Test
    void tunnelStatusOnServerOnlyNodeSaysAgentMissing() {
        TunnelStatusCommand c = wire(new TunnelStatusCommand());
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("dtm-agent"), e.getMessage());
    }

    // completers

    @Test
    void completersOfferPoolsAndDevices() {
        devices.enroll(DeviceId.of("smr-1"));
        PoolNameCompleter pc = new PoolNameCompleter();
        pc.pools = pools;
        List<String> candidates = new ArrayList<>();
        pc.complete(null, new StubLine(""), candidates);
        assertTrue(candidates.stream().anyMatch(s -> s.trim().equals("demo")), candidates.toString());
        pc.pools = null;
        candidates.clear();
        pc.complete(null, new StubLine(""), candidates);
        assertTrue(candidates.isEmpty());

        DeviceIdCompleter dc = new DeviceIdCompleter();
        dc.devices = devices;
        candidates.clear();
        dc.complete(null, new StubLine("sm"), candidates);
        assertTrue(candidates.stream().anyMatch(s -> s.trim().equals("smr-1")), candidates.toString());
    }

    // json escaping

    @Test
    void jsonEscapes() {
        assertEquals("{\"a\":\"q\\\"b\\\\n\\n\\u0001\",\"n\":null,\"b\":true}",
                Json.object(new java.util.LinkedHashMap<>(java.util.Map.of()) {
                    {
                        put("a", "q\"b\\n\n\u0001");
                        put("n", null);
                        put("b", true);
                    }
                }));
    }

    /** A command line with the cursor at the end of one argument. */
    record StubLine(String arg) implements org.apache.karaf.shell.api.console.CommandLine {
        @Override
        public int getCursorArgumentIndex() {
            return 0;
        }

        @Override
        public String getCursorArgument() {
            return arg;
        }

        @Override
        public int getArgumentPosition() {
            return arg.length();
        }

        @Override
        public String[] getArguments() {
            return new String[] {arg};
        }

        @Override
        public int getBufferPosition() {
            return arg.length();
        }

        @Override
        public String getBuffer() {
            return arg;
        }
    }
}
