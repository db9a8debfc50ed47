package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import net.dtm.api.fakes.FakeLinks;

class LinkCommandsTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final FakeLinks links = new FakeLinks();

    @BeforeEach
    void data() {
        links.add("5g", "5g", 10);
        links.add("sat", "satellite", 4);
    }

    private <T extends DtmCommand> T wire(T command) {
        command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        return command;
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listShowsEveryLinkWithItsFigures() throws Exception {
        LinkListCommand c = wire(new LinkListCommand());
        c.links = links;
        c.execute();
        String out = output();
        assertTrue(out.contains("RTT (ms)") && out.contains("Loss (%)") && out.contains("Bytes received"), out);
        String fiveG = out.lines().filter(l -> l.trim().startsWith("5g")).findFirst().orElseThrow(() -> new AssertionError(out));
        for (String expected : new String[] {"up", "yes", "127.0.0.1:40001", "21.0", "250.0", "50.0", "3", "10", "3000", "1500"}) {
            assertTrue(fiveG.contains(expected), expected + " in " + fiveG);
        }
        assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("sat") && l.contains("satellite")), out);
    }

    @Test
    void listJson() throws Exception {
        LinkListCommand c = wire(new LinkListCommand());
        c.links = links;
        c.json = true;
        c.execute();
        String out = output().trim();
        assertTrue(out.startsWith("[{\"id\":\"5g\",\"kind\":\"5g\",\"state\":\"up\",\"enabled\":true,\"metered\":false,"
                + "\"local\":\"127.0.0.1:40001\",\"public\":\"\",\"rttMs\":21.0,\"rtoMs\":250.0,\"lossPercent\":50.0,"
                + "\"copies\":3,\"datagramsSent\":10,\"bytesSent\":3000,\"datagramsReceived\":5,\"bytesReceived\":1500,"
                + "\"duplicates\":1},{\"id\":\"sat\""), out);
    }

    @Test
    void listEmptyAndWithoutService() throws Exception {
        LinkListCommand c = wire(new LinkListCommand());
        c.links = new FakeLinks();
        c.execute();
        assertTrue(output().contains("no links"), output());
        LinkListCommand none = wire(new LinkListCommand());
        CommandException e = assertThrows(CommandException.class, none::execute);
        assertTrue(e.getMessage().contains("not available") && e.getMessage().contains("dtm-agent"), e.getMessage());
    }

    @Test
    void statsShowsOneLink() throws Exception {
        LinkStatsCommand c = wire(new LinkStatsCommand());
        c.links = links;
        c.id = "sat";
        c.execute();
        String out = output();
        assertTrue(out.lines().anyMatch(l -> l.contains("kind") && l.contains("satellite")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("metered") && l.contains("true")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("duplicates") && l.trim().endsWith("1")), out);
        assertFalse(out.contains("5g"), out);

        LinkStatsCommand j = wire(new LinkStatsCommand());
        j.links = links;
        j.id = "5g";
        j.json = true;
        buffer.reset();
        j.execute();
        assertTrue(output().trim().startsWith("{\"id\":\"5g\""), output());
    }

    @Test
    void statsOfAnUnknownLinkFails() {
        LinkStatsCommand c = wire(new LinkStatsCommand());
        c.links = links;
        c.id = "wifi";
        CommandException e = assertThrows(CommandException.class, c::execute);
        assertTrue(e.getMessage().contains("No link named wifi"), e.getMessage());
    }

    @Test
    void disableAndEnable() throws Exception {
        LinkDisableCommand d = wire(new LinkDisableCommand());
        d.links = links;
        d.id = "sat";
        d.execute();
        assertFalse(links.link("sat").orElseThrow().enabled());
        assertTrue(output().contains("Link sat disabled"), output());

        LinkEnableCommand e = wire(new LinkEnableCommand());
        e.links = links;
        e.id = "sat";
        e.execute();
        assertTrue(links.link("sat").orElseThrow().enabled());
        assertTrue(output().contains("Link sat enabled"), output());
    }

    @Test
    void enableOrDisableOfAnUnknownLinkFailsAndChangesNothing() {
        LinkDisableCommand d = wire(new LinkDisableCommand());
        d.links = links;
        d.id = "wifi";
        assertTrue(assertThrows(CommandException.class, d::execute).getMessage().contains("No link named wifi"));
        LinkEnableCommand e = wire(new LinkEnableCommand());
        e.links = links;
        e.id = "wifi";
        assertTrue(assertThrows(CommandException.class, e::execute).getMessage().contains("No link named wifi"));
        assertTrue(links.links().stream().allMatch(l -> l.enabled()));
        LinkEnableCommand none = wire(new LinkEnableCommand());
        none.id = "sat";
        assertThrows(CommandException.class, none::execute);
    }

    @Test
    void completerOffersLinkIds() {
        LinkIdCompleter c = new LinkIdCompleter();
        List<String> candidates = new ArrayList<>();
        c.complete(null, new CommandsTest.StubLine(""), candidates);
        assertTrue(candidates.isEmpty(), "no link service: nothing to offer");
        c.links = links;
        c.complete(null, new CommandsTest.StubLine("s"), candidates);
        assertEquals(List.of("sat"), candidates.stream().map(String::trim).toList());
    }
}
