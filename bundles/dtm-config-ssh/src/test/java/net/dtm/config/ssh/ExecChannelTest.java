package net.dtm.config.ssh;

import static net.dtm.config.ssh.Fixture.PASSWORD;
import static net.dtm.config.ssh.Fixture.SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.ExecResult;

/** Exec channels: output, exit status, refusal, timeout, dropped connection. */
class ExecChannelTest extends OnTinyRouter {

    @Test
    void returnsStdoutAndStatusZero() throws Exception {
        assertEquals(new ExecResult(0, "TinyOS 1.0\n", ""), connection.exec("uname", SHORT));
        assertEquals(List.of("uname"), server.received());
    }

    @Test
    void returnsStdoutStderrAndANonZeroStatusWithoutThrowing() throws Exception {
        ExecResult r = connection.exec("false", SHORT);
        assertEquals(new ExecResult(3, "partial\n", "failed: no such thing\n"), r);
        assertFalse(r.ok());
    }

    @Test
    void aCommandThatDoesNotEndInTimeFailsAsAChannelFailure() {
        long start = System.nanoTime();
        ConfigException e = assertThrows(ConfigException.class, () -> connection.exec("hang", Duration.ofMillis(500)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertFalse(e.rejected());
        assertEquals("command 'hang' on 127.0.0.1:" + server.port() + " did not end within 500 ms; its outcome is"
                + " unknown: read the device's state again", e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
    }

    @Test
    void aDeviceWithoutExecChannelsRefusesTheRequest() {
        router.execSupported = false;
        ConfigException e = assertThrows(ConfigException.class, () -> connection.exec("show version", SHORT));
        assertFalse(e.rejected());
        assertTrue(e.getMessage().startsWith("the device closed the exec channel for 'show version' on 127.0.0.1:"
                + server.port() + " without an exit status: it refused the exec request"), e.getMessage());
    }

    @Test
    void aConnectionDroppedDuringTheCommandFailsPromptly() {
        server.dropConnectionsWhen("reload"::equals);
        long start = System.nanoTime();
        ConfigException e = assertThrows(ConfigException.class, () -> connection.exec("reload", Duration.ofSeconds(20)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertFalse(e.rejected());
        assertEquals("connection lost while running 'reload' on 127.0.0.1:" + server.port()
                + "; the command's outcome is unknown: read the device's state again", e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
    }

    @Test
    void secretsInTheCommandAreHiddenInMessages() {
        server.dropConnectionsWhen(line -> line.startsWith("set"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> connection.exec("set user admin password " + PASSWORD, SHORT));
        assertEquals("connection lost while running 'set user admin password ****' on 127.0.0.1:" + server.port()
                + "; the command's outcome is unknown: read the device's state again", e.getMessage());
        assertFalse(Secrets.appearIn(e, PASSWORD));
    }
}
