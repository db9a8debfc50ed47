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

import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelStatus;
import net.dtm.api.TunnelType;
import net.dtm.api.fakes.FakeAgent;
import net.dtm.api.fakes.FakeDevices;
import net.dtm.api.fakes.FakePools;

class CommandsTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final FakePools pools = new FakePools();
    private final FakeDevices devices = new FakeDevices();
    private final FakeAgent agent = new FakeAgent();

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
        assertTrue(out.contains("[{\"id\":\"smr-1\",\"enrolledAt\":\"2025-06-01T08:00:00Z\",\"disabled\":false,"
                + "\"previousKeyUntil\":null,\"enrolledBy\":\"operator\",\"reenrolUntil\":null}]"), out);
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

    @Test
    void completersOfferLeaseStatesAndTunnelTypes() {
        List<String> candidates = new ArrayList<>();
        new LeaseStateCompleter().complete(null, new StubLine("lo"), candidates);
        assertEquals(List.of("locked"), candidates.stream().map(String::trim).toList());
        candidates.clear();
        new LeaseStateCompleter().complete(null, new StubLine(""), candidates);
        assertEquals(List.of("bound", "locked", "released"), candidates.stream().map(String::trim).sorted().toList());
        candidates.clear();
        new TunnelTypeCompleter().complete(null, new StubLine("vx"), candidates);
        assertEquals(List.of("vxlan"), candidates.stream().map(String::trim).toList());
    }

    // addresses

    @Test
    void ipv6IsWrittenInItsShortForm() throws Exception {
        String[][] cases = {
            {"2001:db8:0:0:0:0:0:1", "2001:db8::1"},
            {"0:0:0:0:0:0:0:1", "::1"},
            {"0:0:0:0:0:0:0:0", "::"},
            {"2001:db8:100:5:0:0:0:0", "2001:db8:100:5::"},
            {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},
            {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},
            {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
            {"10.64.0.2", "10.64.0.2"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], Cidr.format(InetAddress.getByName(c[0])), c[0]);
        }
    }

    // json

    @Test
    void jsonListsAndNestedObjects() {
        java.util.Map<String, Object> inner = new java.util.LinkedHashMap<>();
        inner.put("n", 1);
        java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("list", List.of("a", 2, true));
        row.put("empty", List.of());
        row.put("inner", inner);
        assertEquals("{\"list\":[\"a\",2,true],\"empty\":[],\"inner\":{\"n\":1}}", Json.object(row));
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
