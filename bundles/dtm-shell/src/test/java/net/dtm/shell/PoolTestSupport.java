package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;

import net.dtm.api.LeaseState;
import net.dtm.api.Pool;
import net.dtm.api.fakes.FakePools;

/** Shared set-up of the pool and lease command tests: a fake pool service with pool demo and two leases. */
abstract class PoolTestSupport {

    final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    final FakePools pools = new FakePools();

    @BeforeEach
    void data() throws Exception {
        pools.createPool(Pool.of("demo", "10.64.0.0/16", 3600));
        pools.addLease("demo", "smr-1", "10.64.0.2", LeaseState.BOUND, 7);
        pools.addLease("demo", "smr-2", "10.64.0.3", LeaseState.LOCKED, 1);
        pools.changes = 0;
    }

    <T extends PoolCommand> T wire(T command) {
        command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        command.clock = Clock.fixed(FakePools.NOW, ZoneOffset.UTC);
        return command;
    }

    String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /**
     * Runs a command that must be refused: returns its message after checking that it is one line,
     * starts with {@code prefix}, that nothing was printed and nothing in the pool service changed.
     */
    String refused(PoolCommand command, String prefix) {
        int changes = pools.changes;
        int printed = buffer.size();
        CommandException e = assertThrows(CommandException.class, command::execute);
        String m = e.getMessage();
        assertTrue(m.startsWith(prefix), "'" + m + "' should start with '" + prefix + "'");
        assertFalse(m.contains("\n"), "one line: " + m);
        assertEquals(changes, pools.changes, "a refused command changed something: " + m);
        assertEquals(printed, buffer.size(), "a refused command printed " + output());
        return m;
    }

    static void assertContains(String text, String... expected) {
        for (String x : expected) {
            assertTrue(text.contains(x), "'" + x + "' in:\n" + text);
        }
    }

    /** The line of a table that starts with {@code first} (after indentation). */
    String line(String first) {
        String out = output();
        return out.lines().filter(l -> l.trim().startsWith(first + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with " + first + " in:\n" + out));
    }
}
