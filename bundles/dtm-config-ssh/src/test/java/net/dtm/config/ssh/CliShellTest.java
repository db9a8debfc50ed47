package net.dtm.config.ssh;

import static net.dtm.config.ssh.Fixture.IOS_PROMPT;
import static net.dtm.config.ssh.Fixture.PASSWORD;
import static net.dtm.config.ssh.Fixture.SHORT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.CliShell;
import net.dtm.spi.config.ssh.SshConnection;

/** The interactive shell: prompt learning, output extraction, pager, control keys, failures. */
class CliShellTest extends OnTinyRouter {

    @Test
    void skipsTheBannerLearnsThePromptAndReturnsOutputWithoutEchoOrPrompt() throws Exception {
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            assertEquals("edge-1#", shell.prompt());
            assertEquals("TinyOS Software, Version 1.0\nuptime is 3 weeks\n\nProcessor board ID 42",
                    shell.send("show version", SHORT));
            assertEquals("edge-1#", shell.prompt());
            assertEquals("", shell.send("", SHORT));
            assertEquals(List.of("show version", ""), server.received());
        }
    }

    @Test
    void followsModeAndHostnameChanges() throws Exception {
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            assertEquals("Enter configuration commands, one per line.  End with CNTL/Z.",
                    shell.send("configure terminal", SHORT));
            assertEquals("edge-1(config)#", shell.prompt());
            assertEquals("", shell.send("interface Gi0/1", SHORT));
            assertEquals("edge-1(config-if)#", shell.prompt());
            assertEquals("", shell.send("hostname core.router-7", SHORT));
            assertEquals("core.router-7(config-if)#", shell.prompt());
            assertEquals("", shell.send("end", SHORT));
            assertEquals("core.router-7#", shell.prompt());
            assertEquals(List.of("configure terminal", "interface Gi0/1", "hostname core.router-7", "end"),
                    server.received());
        }
    }

    @Test
    void learnsASixtyCharacterHostnamePrompt() throws Exception {
        router.hostname = "a-very-long-router-name.in-a-very-long-domain.example-60char";
        assertEquals(60, router.hostname.length());
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            assertEquals(router.hostname + "#", shell.prompt());
            assertEquals("Enter configuration commands, one per line.  End with CNTL/Z.",
                    shell.send("configure terminal", SHORT));
            assertEquals(router.hostname + "(config)#", shell.prompt());
        }
    }

    @Test
    void outputLinesWithAHashAreNotTakenForThePrompt() throws Exception {
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            assertEquals("entry #1 ok\nnot-a-prompt#\nlast line", shell.send("show hashes", SHORT));
            assertEquals("edge-1#", shell.prompt());
        }
    }

    @Test
    void aLongOutputArrivingLineByLineIsReturnedWhole() throws Exception {
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            String out = shell.send("show big", SHORT);
            List<String> lines = out.lines().toList();
            assertEquals(5000, lines.size());
            assertEquals("route 10.0.1.0/24 via 192.0.2.1", lines.get(0));
            assertEquals("route 10.20.0.0/24 via 192.0.2.1", lines.get(4999));
        }
    }

    @Test
    void answersPagersAndDropsTheirMarkers() throws Exception {
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            StringBuilder expected = new StringBuilder();
            for (int i = 1; i <= 11; i++) {
                expected.append(i == 1 ? "" : "\n").append("line ").append(i);
            }
            assertEquals(expected.toString(), shell.send("show long", SHORT));
            assertEquals("edge-1#", shell.prompt());
            assertEquals(List.of("show long"), server.received());
        }
    }

    @Test
    void sendKeysWritesControlCharactersAsTheyAre() throws Exception {
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            shell.send("configure terminal", SHORT);
            assertEquals("candidate discarded", shell.sendKeys("\u0018", SHORT));
            assertEquals("", shell.sendKeys("\u001a", SHORT));
            assertEquals("edge-1#", shell.prompt());
            assertEquals(List.of('\u0018', '\u001a'), router.controls);
            assertEquals(List.of("configure terminal"), server.received());
        }
    }

    @Test
    void aConnectionDroppedMidCommandFailsPromptlyAsAChannelFailure() throws Exception {
        server.dropConnectionsWhen("show version"::equals);
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            long start = System.nanoTime();
            ConfigException e = assertThrows(ConfigException.class, () -> shell.send("show version", Duration.ofSeconds(20)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertFalse(e.rejected());
            assertEquals("connection to 127.0.0.1:" + server.port() + " lost after 'show version'; the command's"
                    + " outcome is unknown: read the device's state again", e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
        }
        await().atMost(SHORT).until(() -> router.ended.size() == 1);
    }

    @Test
    void noPromptWithinTheTimeoutNamesWhatWasLastSeen() throws Exception {
        try (CliShell shell = connection.shell(Pattern.compile("edge-1[#>]$"))) {
            long start = System.nanoTime();
            ConfigException e = assertThrows(ConfigException.class,
                    () -> shell.send("configure terminal", Duration.ofMillis(400)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertFalse(e.rejected());
            assertEquals("no prompt matching edge-1[#>]$ from 127.0.0.1:" + server.port() + " within 400 ms after"
                    + " 'configure terminal'; last seen: \"configure terminal\nEnter configuration commands, one per"
                    + " line.  End with CNTL/Z.\nedge-1(config)#\" (is the prompt pattern right, or does the command"
                    + " need more time?)", e.getMessage());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
        }
    }

    @Test
    void aShellWhosePromptNeverMatchesFailsToOpen() throws Exception {
        try (MinaSshConnector quick = new MinaSshConnector(dir.resolve("known_hosts"), SHORT, Duration.ofMillis(500));
             SshConnection c = quick.connect(Fixture.target(server, Fixture.passwordFile(dir)))) {
            ConfigException e = assertThrows(ConfigException.class, () -> c.shell(Pattern.compile(">\\s?$")));
            assertTrue(e.getMessage().startsWith("no prompt matching >\\s?$ from 127.0.0.1:" + server.port()
                    + " within 500 ms opening the shell; last seen: \""), e.getMessage());
            assertTrue(e.getMessage().contains("edge-1#\""), e.getMessage());
        }
    }

    @Test
    void thePasswordNeverAppearsInMessagesEvenWhenTheDeviceEchoesIt() throws Exception {
        try (CliShell shell = connection.shell(Pattern.compile("edge-1[#>]$"))) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> shell.send("configure terminal", Duration.ofMillis(300)));
            assertTrue(e.getMessage().contains("edge-1(config)#"), e.getMessage());
            ConfigException echoed = assertThrows(ConfigException.class,
                    () -> shell.send("username ops privilege 15 " + PASSWORD, Duration.ofMillis(300)));
            assertTrue(echoed.getMessage().contains("after 'username ops privilege 15 ****'"), echoed.getMessage());
            assertFalse(Secrets.appearIn(echoed, PASSWORD), echoed.getMessage());
        }
    }

    @Test
    void loggingOutClosesTheShellAndEndsTheDeviceSession() throws Exception {
        try (CliShell shell = connection.shell(IOS_PROMPT)) {
            ConfigException e = assertThrows(ConfigException.class, () -> shell.send("exit", SHORT));
            assertEquals("the shell on 127.0.0.1:" + server.port() + " was closed after 'exit' (logged out, or the"
                    + " device ended the session)", e.getMessage());
        }
        await().atMost(SHORT).until(() -> router.ended.size() == 1);
        assertEquals(0, connection.exec("uname", SHORT).exitStatus(), "the connection outlives its shell");
    }

    @Test
    void closingTheConnectionEndsTheDeviceSession() throws Exception {
        CliShell shell = connection.shell(IOS_PROMPT);
        shell.send("configure terminal", SHORT);
        connection.close();
        await().atMost(SHORT).until(() -> router.ended.size() == 1);
        shell.close();
        connection.close();
    }

    @Test
    void twoShellsOnOneConnectionHaveTheirOwnModes() throws Exception {
        try (CliShell config = connection.shell(IOS_PROMPT); CliShell show = connection.shell(IOS_PROMPT)) {
            config.send("configure terminal", SHORT);
            assertEquals("edge-1(config)#", config.prompt());
            assertEquals("edge-1#", show.prompt());
            assertTrue(show.send("show version", SHORT).startsWith("TinyOS"));
        }
    }
}
