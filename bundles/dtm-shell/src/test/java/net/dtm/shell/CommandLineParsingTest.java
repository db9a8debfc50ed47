package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.impl.action.command.DefaultActionPreparator;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

/**
 * The command lines of the pool, lease and device commands as Karaf parses them into the annotated fields
 * (option names, aliases, repeated options, argument order): what an operator types, not field
 * assignments.
 */
class CommandLineParsingTest {

    private static <T extends Action> T parse(T action, String line) throws Exception {
        List<Object> params = Arrays.asList((Object[]) line.trim().split("\\s+"));
        assertTrue(new DefaultActionPreparator().prepare(action, null, params));
        return action;
    }

    @Test
    void poolCreateWithEveryOption() throws Exception {
        PoolCreateCommand c = parse(new PoolCreateCommand(), "--lease 600 --delegate 64 --exclude 2001:db8::10-2001:db8::20 "
                + "--exclude 2001:db8:0:ff::/64 --devices bus-* --devices train-? --types vxlan,gre v6 2001:db8::/48");
        assertEquals("v6", c.name);
        assertEquals("2001:db8::/48", c.prefix);
        assertEquals(600, c.leaseSeconds);
        assertEquals(64, c.delegate);
        assertEquals(List.of("2001:db8::10-2001:db8::20", "2001:db8:0:ff::/64"), c.exclude);
        assertEquals(List.of("bus-*", "train-?"), c.devices);
        assertEquals(List.of("vxlan,gre"), c.types);
    }

    @Test
    void poolCreateKeepsTheOldLeaseSecondsSpellingAndDefaults() throws Exception {
        assertEquals(900, parse(new PoolCreateCommand(), "--lease-seconds 900 fleet 10.65.0.0/24").leaseSeconds);
        PoolCreateCommand c = parse(new PoolCreateCommand(), "fleet 10.65.0.0/24");
        assertEquals(3600, c.leaseSeconds);
        assertNull(c.delegate);
        assertNull(c.exclude);
    }

    @Test
    void poolCreateNeedsNameAndPrefix() {
        CommandException e = assertThrows(CommandException.class, () -> parse(new PoolCreateCommand(), "fleet"));
        assertTrue(e.getMessage().contains("prefix"), e.getMessage());
    }

    @Test
    void poolDeleteShowStats() throws Exception {
        PoolDeleteCommand d = parse(new PoolDeleteCommand(), "--force demo");
        assertEquals("demo", d.name);
        assertTrue(d.force);
        assertFalse(parse(new PoolDeleteCommand(), "demo").force);
        assertTrue(parse(new PoolShowCommand(), "-j demo").json);
        assertNull(parse(new PoolStatsCommand(), "--json").name);
        assertEquals("demo", parse(new PoolStatsCommand(), "demo").name);
    }

    @Test
    void leaseListOptions() throws Exception {
        LeaseListCommand c = parse(new LeaseListCommand(),
                "--pool big --device bus-1 --state bound --expired --limit 10 --after 10.70.0.11 --json");
        assertEquals("big", c.pool);
        assertEquals("bus-1", c.device);
        assertEquals("bound", c.state);
        assertTrue(c.expired);
        assertFalse(c.active);
        assertEquals(10, c.limit);
        assertEquals("10.70.0.11", c.after);
        assertTrue(c.json);
        LeaseListCommand d = parse(new LeaseListCommand(), "--active");
        assertEquals(LeaseListCommand.DEFAULT_LIMIT, d.limit);
        assertTrue(d.active);
    }

    @Test
    void theNextPageLineParses() throws Exception {
        LeaseListCommand c = parse(new LeaseListCommand(), "--pool big --state bound --active --limit 10");
        String next = c.nextPage(java.net.InetAddress.getByName("10.70.0.11"));
        LeaseListCommand again = parse(new LeaseListCommand(), next.substring("lease:list".length()));
        assertEquals("big", again.pool);
        assertEquals("bound", again.state);
        assertTrue(again.active);
        assertEquals(10, again.limit);
        assertEquals("10.70.0.11", again.after);
    }

    @Test
    void leaseShowReleaseReserve() throws Exception {
        LeaseShowCommand s = parse(new LeaseShowCommand(), "demo 10.64.0.2");
        assertEquals("demo", s.pool);
        assertEquals("10.64.0.2", s.key);
        LeaseReleaseCommand r = parse(new LeaseReleaseCommand(), "demo smr-1");
        assertEquals("smr-1", r.device);
        LeaseReserveCommand v = parse(new LeaseReserveCommand(), "demo smr-1 10.64.0.50");
        assertEquals("10.64.0.50", v.address);
        assertFalse(v.remove);
        LeaseReserveCommand u = parse(new LeaseReserveCommand(), "--remove demo smr-1");
        assertTrue(u.remove);
        assertEquals("smr-1", u.device);
        assertNull(u.address);
    }

    @Test
    void nodeCommands() throws Exception {
        NodeDrainCommand d = parse(new NodeDrainCommand(), "--force node-2");
        assertEquals("node-2", d.node);
        assertTrue(d.force);
        assertFalse(parse(new NodeDrainCommand(), "node-2").force);
        assertEquals("node-3", parse(new NodeUndrainCommand(), "node-3").node);
        assertTrue(parse(new NodeListCommand(), "-j").json);
        assertTrue(parse(new NodeStatusCommand(), "--json").json);
    }

    @Test
    void deviceCommandLines() throws Exception {
        DeviceRekeyCommand r = parse(new DeviceRekeyCommand(), "--overlap 2h --key-file /etc/k smr-1");
        assertEquals("2h", r.overlap);
        assertEquals("/etc/k", r.keyFile);
        assertEquals("smr-1", r.id);
        assertEquals("-", parse(new DeviceRekeyCommand(), "-k - smr-1").key);
        assertEquals("-", parse(new DeviceAddCommand(), "--key - smr-1").key);
        assertEquals("smr-1", parse(new DeviceRemoveCommand(), "smr-1").id);
        assertEquals("smr-1", parse(new DeviceDisableCommand(), "smr-1").id);
        assertEquals("smr-1", parse(new DeviceEnableCommand(), "smr-1").id);
    }

    @Test
    void enrolmentCommandLines() throws Exception {
        EnrolmentCreateCommand c = parse(new EnrolmentCreateCommand(),
                "--label north --devices bus-* --pool demo --uses 40 --expires 30d --token-file /tmp/t");
        assertEquals("north", c.label);
        assertEquals("bus-*", c.devices);
        assertEquals("demo", c.pool);
        assertEquals(40, c.uses);
        assertEquals("30d", c.expires);
        assertEquals("/tmp/t", c.tokenFile);
        assertFalse(c.reusable);
        EnrolmentCreateCommand d = parse(new EnrolmentCreateCommand(), "--reusable");
        assertTrue(d.reusable);
        assertNull(d.uses);
        assertEquals("7d", d.expires);
        assertTrue(parse(new EnrolmentListCommand(), "--json").json);
        assertEquals("k1x2y3", parse(new EnrolmentRevokeCommand(), "k1x2y3").id);
        assertEquals("k1x2y3", parse(new EnrolmentDeleteCommand(), "k1x2y3").id);
        DeviceAllowReenrolCommand a = parse(new DeviceAllowReenrolCommand(), "--within 2h bus-7");
        assertEquals("2h", a.within);
        assertEquals("bus-7", a.id);
        assertTrue(parse(new DeviceAllowReenrolCommand(), "--withdraw bus-7").withdraw);
    }
}
