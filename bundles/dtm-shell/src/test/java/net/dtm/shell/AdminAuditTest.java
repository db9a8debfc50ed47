package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The audit line of admin commands: who, and the command line without secrets; read-only commands log nothing. */
class AdminAuditTest extends PoolTestSupport {

    private static final String HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    /** What {@code work} wrote to System.err (slf4j-simple's output in tests). */
    static String stderrOf(ThrowingRunnable work) throws Exception {
        PrintStream before = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setErr(before);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void theCommandLineIsRebuiltFromOptionsAndArguments() {
        PoolDeleteCommand d = new PoolDeleteCommand();
        d.name = "demo";
        d.force = true;
        assertEquals("pool:delete --force demo", AdminAudit.commandLine(d));
        d.force = false;
        assertEquals("pool:delete demo", AdminAudit.commandLine(d));
        LeaseReserveCommand r = new LeaseReserveCommand();
        r.pool = "demo";
        r.device = "smr 1";
        assertEquals("lease:reserve demo 'smr 1'", AdminAudit.commandLine(r), "blanks quoted, absent values left out");
    }

    @Test
    void keysNeverAppear() {
        DeviceAddCommand a = new DeviceAddCommand();
        a.id = "smr-9";
        a.key = HEX;
        assertEquals("device:add --key *** smr-9", AdminAudit.commandLine(a));
        a.key = "-";
        assertEquals("device:add --key - smr-9", AdminAudit.commandLine(a), "a prompt is no secret");
        a.key = null;
        a.keyFile = "/etc/dtm/smr-9.key";
        assertEquals("device:add --key-file /etc/dtm/smr-9.key smr-9", AdminAudit.commandLine(a));
    }

    @Test
    void aValueCannotForgeALogLine() {
        PoolDeleteCommand d = new PoolDeleteCommand();
        d.name = "x\nINFO operator admin ran: pool:list";
        assertFalse(AdminAudit.commandLine(d).contains("\n"));
    }

    @Test
    void adminCommandsAreLoggedWithTheOperatorReadOnlyOnesAreNot() throws Exception {
        PoolDeleteCommand d = wire(new PoolDeleteCommand());
        d.admin = pools;
        d.name = "demo";
        d.force = true;
        String deleted = stderrOf(d::execute);
        assertTrue(deleted.contains("INFO audit.dtm - operator unknown ran: pool:delete --force demo"), deleted);
        PoolListCommand l = wire(new PoolListCommand());
        l.pools = pools;
        assertEquals("", stderrOf(l::execute).lines().filter(s -> s.contains("audit.dtm")).reduce("", String::concat));
    }

    @Test
    void everyCommandThatChangesSomethingDeclaresARefusalAndSoIsAudited() {
        for (DtmCommand c : List.of(new PoolCreateCommand(), new PoolDeleteCommand(), new LeaseReleaseCommand(),
                new LeaseReserveCommand(), new DeviceAddCommand(), new NodeDrainCommand(), new NodeUndrainCommand(),
                new ConfigApplyCommand(), new ConfigConfirmCommand(), new ConfigRollbackCommand(), new LinkEnableCommand(),
                new LinkDisableCommand(), new EnrolmentCreateCommand(), new EnrolmentRevokeCommand(), new EnrolmentDeleteCommand(),
                new DeviceAllowReenrolCommand())) {
            assertTrue(c.refusal() != null, c.getClass().getSimpleName());
        }
        for (DtmCommand c : List.of(new PoolListCommand(), new PoolShowCommand(), new LeaseListCommand(),
                new DeviceListCommand(), new NodeListCommand(), new LinkListCommand(), new EnrolmentListCommand())) {
            assertEquals(null, c.refusal(), c.getClass().getSimpleName());
        }
    }
}
