package net.dtm.vendor.huaweivrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.dtm.config.ssh.testkit.ManualClock;
import net.dtm.spi.config.ssh.SshConnection;
import net.dtm.vendor.huaweivrp.emulator.VrpEmulator;

/** Questions: declined unless expected, answered yes where expected. */
class VrpCliTest {

    private final VrpEmulator device = new VrpEmulator(new ManualClock(), "dtm");

    private VrpCli cli() throws Exception {
        SshConnection c = new InMemorySsh(device).connect(Samples.target("r", 22, Map.of()));
        return new VrpCli(c.shell(Pattern.compile(VrpPrompt.PATTERN.pattern(), Pattern.MULTILINE)), Duration.ofSeconds(5), "r");
    }

    @Test
    void anUnexpectedQuestionIsDeclinedAndIsARefusal() throws Exception {
        VrpCli cli = cli();
        cli.expect("system-view");
        cli.expect("sysname R2");
        VrpCli.Reply r = cli.run("return");
        assertFalse(r.ok());
        assertTrue(r.error().get().contains("Uncommitted configurations found") && r.error().get().endsWith("answered C"),
                r.error().get());
        assertEquals("[*HUAWEI]", cli.rawPrompt(), "cancelled: still in the system view with the candidate");
        assertEquals("HUAWEI", device.sysname());
    }

    @Test
    void anExpectedQuestionIsAnsweredYes() throws Exception {
        VrpCli cli = cli();
        cli.expect("system-view");
        cli.expect("sysname R2");
        cli.expect("commit trial 60");
        VrpCli.Reply r = cli.confirmed("abort trial");
        assertTrue(r.ok(), r.toString());
        assertFalse(device.trialRunning());
        assertEquals("[~HUAWEI]", cli.rawPrompt());
    }
}
