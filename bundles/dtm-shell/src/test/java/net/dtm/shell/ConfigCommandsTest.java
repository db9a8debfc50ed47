package net.dtm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.impl.action.command.DefaultActionPreparator;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.Preview;
import net.dtm.api.config.Transaction;
import net.dtm.api.fakes.FakeConfig;

/** The vendor: and config: commands against an in-memory configuration service. */
class ConfigCommandsTest {

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final FakeConfig config = new FakeConfig();

    @BeforeEach
    void data() {
        config.adapters.add(new AdapterInfo("linux", List.of(), List.of("5.", "6."),
                List.of("TunnelInterfaceBehaviour", "RouteBehaviour", "WireGuardPeerBehaviour"), "net.dtm.dtm-vendor-linux/1.0.0", 0));
        config.adapters.add(new AdapterInfo("cisco", List.of("ISR4*", "C8200*"), List.of(), List.of("TunnelInterfaceBehaviour",
                "CommitConfirmBehaviour"), "com.example.dtm-vendor-cisco/2.1.0", 10));
        config.addEnd("dtm0", "device", "smr-1", "linux", "out-of-sync", List.of("mtu: 1500 -> 1400", "route +10.0.0.0/8"));
        config.addEnd("dtm1", "device", "smr-2", null, "no-adapter", List.of());
        config.record("dtm0", "tunnel established", List.of("mtu: 1500 -> 1400"), Transaction.Result.CONFIRMED,
                "verified: read back matches, probe answered", false);
        config.record("dtm0", "operator admin", List.of("mtu: 1400 -> 1300", "route +10.1.0.0/16", "route -10.2.0.0/16",
                "key: rotated"), Transaction.Result.ROLLED_BACK, "probe unanswered for 15 s", true);
    }

    private <T extends ConfigCommand> T wire(T command) {
        command.out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        command.config = config;
        command.user = "admin";
        return command;
    }

    private String output() {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** Runs a command that must fail: one line, nothing printed; returns the message. */
    private String fails(ConfigCommand command) {
        int printed = buffer.size();
        CommandException e = assertThrows(CommandException.class, command::execute);
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertEquals(printed, buffer.size(), "a failed command printed " + output());
        return e.getMessage();
    }

    private static void assertContains(String text, String... expected) {
        for (String e : expected) {
            assertTrue(text.contains(e), "'" + e + "' in:\n" + text);
        }
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.trim().startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in:\n" + text));
    }

    // vendor:list

    @Test
    void vendorListShowsEveryAdapterInPreferenceOrder() throws Exception {
        wire(new VendorListCommand()).execute();
        String out = output();
        assertContains(out, "Vendor", "Models", "OS versions", "Behaviours", "Bundle", "Ranking");
        String linux = line(out, "linux");
        assertContains(linux, "any", "5., 6.", "TunnelInterfaceBehaviour, RouteBehaviour", "net.dtm.dtm-vendor-linux/1.0.0");
        assertContains(line(out, "cisco"), "ISR4*, C8200*", "CommitConfirmBehaviour", "10");
        assertTrue(out.indexOf("linux") < out.indexOf("cisco"), out);
    }

    @Test
    void vendorListJsonAndEmpty() throws Exception {
        VendorListCommand c = wire(new VendorListCommand());
        c.json = true;
        c.execute();
        assertTrue(output().startsWith("[{\"vendor\":\"linux\",\"models\":[],\"osVersions\":[\"5.\",\"6.\"],\"behaviours\":"
                + "[\"TunnelInterfaceBehaviour\",\"RouteBehaviour\",\"WireGuardPeerBehaviour\"],\"bundle\":"
                + "\"net.dtm.dtm-vendor-linux/1.0.0\",\"ranking\":0},{\"vendor\":\"cisco\""), output());
        config.adapters.clear();
        buffer.reset();
        wire(new VendorListCommand()).execute();
        assertContains(output(), "no vendor adapters installed");
    }

    // config:show

    @Test
    void showListsEveryEnd() throws Exception {
        wire(new ConfigShowCommand()).execute();
        String out = output();
        assertContains(out, "End", "Role", "Device", "Adapter", "State", "Last entry");
        assertContains(line(out, "dtm0"), "device", "smr-1", "linux", "out-of-sync", "#2");
        assertContains(line(out, "dtm1"), "smr-2", "none", "no-adapter");
    }

    @Test
    void showListJson() throws Exception {
        ConfigShowCommand c = wire(new ConfigShowCommand());
        c.json = true;
        c.execute();
        assertEquals("[{\"end\":\"dtm0\",\"role\":\"device\",\"device\":\"smr-1\",\"adapter\":\"linux\",\"state\":\"out-of-sync\","
                + "\"lastEntry\":2},{\"end\":\"dtm1\",\"role\":\"device\",\"device\":\"smr-2\",\"adapter\":null,"
                + "\"state\":\"no-adapter\",\"lastEntry\":0}]", output().trim());
    }

    @Test
    void showOneEndHasIntentRunningAndDiffOneLabelledLineEach() throws Exception {
        ConfigShowCommand c = wire(new ConfigShowCommand());
        c.end = "dtm0";
        c.execute();
        String out = output();
        assertTrue(line(out, "Intent:").endsWith("vxlan mtu=1400 inner=10.64.0.2/16"), out);
        assertTrue(line(out, "Running:").endsWith("vxlan mtu=1500 inner=10.64.0.2/16"), out);
        assertTrue(line(out, "Diff:").endsWith("mtu: 1500 -> 1400; route +10.0.0.0/8"), out);
        assertTrue(line(out, "End:").endsWith("dtm0"), out);
        assertTrue(line(out, "Device:").endsWith("smr-1"), out);
        assertTrue(line(out, "Last entry:").endsWith("#2"), out);
        assertContains(line(out, "State:"), "out-of-sync");

        c.json = true;
        buffer.reset();
        c.execute();
        assertEquals("{\"end\":\"dtm0\",\"role\":\"device\",\"device\":\"smr-1\",\"adapter\":\"linux\",\"state\":\"out-of-sync\","
                + "\"lastEntry\":2,\"intent\":\"vxlan mtu=1400 inner=10.64.0.2/16\",\"running\":\"vxlan mtu=1500 inner=10.64.0.2/16\","
                + "\"diff\":[\"mtu: 1500 -> 1400\",\"route +10.0.0.0/8\"]}", output().trim());
    }

    @Test
    void showOfAnUnknownEndAndEmptyNode() throws Exception {
        ConfigShowCommand c = wire(new ConfigShowCommand());
        c.end = "dtm9";
        assertEquals("No tunnel end named 'dtm9' on this node", fails(c));
        config.ends.clear();
        wire(new ConfigShowCommand()).execute();
        assertContains(output(), "no tunnel ends on this node");
    }

    @Test
    void anUnreadableDeviceOrABrokenServiceIsOneLine() {
        ConfigShowCommand c = wire(new ConfigShowCommand());
        c.end = "dtm0";
        c.config = new FakeConfig() {
            @Override
            public java.util.Optional<net.dtm.api.config.EndView> show(String end) {
                throw new net.dtm.api.DtmException(net.dtm.api.DtmException.Reason.BAD_REQUEST,
                        "cannot read " + end + ": ssh timeout after 10 s");
            }

            @Override
            public List<net.dtm.api.config.EndView> ends() {
                throw new IllegalStateException("configuration store closed");
            }
        };
        assertEquals("Cannot read dtm0: ssh timeout after 10 s (bad-request)", fails(c));
        c.end = null;
        assertEquals("Configuration store closed", fails(c));
    }

    // config:preview

    @Test
    void previewShowsDiffAndCommands() throws Exception {
        ConfigPreviewCommand c = wire(new ConfigPreviewCommand());
        c.end = "dtm0";
        c.execute();
        String out = output();
        assertContains(out, "Changes on dtm0 (running -> intent):\n  mtu: 1500 -> 1400\n  route +10.0.0.0/8\n",
                "Commands that would be sent:\n  ip link set dtm0 mtu 1400\n");
        assertTrue(config.calls.isEmpty(), "a preview applies nothing");
    }

    @Test
    void previewInSyncSaysNothingWouldChange() throws Exception {
        ConfigPreviewCommand c = wire(new ConfigPreviewCommand());
        c.end = "dtm1";
        c.execute();
        assertEquals("dtm1 in sync: nothing would change", output().trim());
    }

    @Test
    void previewShowsValidationProblems() throws Exception {
        config.previews.put("dtm0", new Preview("dtm0", List.of("mtu: 1500 -> 100"), List.of(),
                List.of("mtu 100 is below the 1280 IPv6 needs")));
        ConfigPreviewCommand c = wire(new ConfigPreviewCommand());
        c.end = "dtm0";
        c.execute();
        String out = output();
        assertContains(out, "dtm0: validation would refuse the intent; nothing would be sent:",
                "  - mtu 100 is below the 1280 IPv6 needs", "  mtu: 1500 -> 100");
        assertFalse(out.contains("Commands that would be sent"), out);
    }

    @Test
    void previewOfAnUnknownEnd() {
        ConfigPreviewCommand c = wire(new ConfigPreviewCommand());
        c.end = "dtm9";
        assertEquals("No tunnel end named dtm9 (bad-request)", fails(c));
    }

    // config:apply and config:confirm

    @Test
    void applyPrintsResultEntryAndDetail() throws Exception {
        ConfigApplyCommand c = wire(new ConfigApplyCommand());
        c.end = "dtm0";
        c.execute();
        String out = output();
        assertTrue(out.startsWith("Apply to dtm0: confirmed, entry #3\n"), out);
        assertContains(line(out, "changes:"), "mtu: 1500 -> 1400; route +10.0.0.0/8");
        assertContains(line(out, "detail:"), "verified: read back matches, probe answered");
        assertContains(line(out, "trigger:"), "operator admin");
        assertFalse(out.contains("config:confirm"), out);
        assertEquals(List.of("apply dtm0 by operator admin"), config.calls);
    }

    @Test
    void applyWithHoldSaysHowLongToConfirmThenConfirmKeepsIt() throws Exception {
        ConfigApplyCommand c = wire(new ConfigApplyCommand());
        c.end = "dtm0";
        c.hold = true;
        c.execute();
        String out = output();
        assertTrue(out.startsWith("Apply to dtm0: pending-confirm, entry #3\n"), out);
        // entry 3 started at T0 + 180 s; the default confirm timeout is 120 s
        assertContains(out, "Run config:confirm dtm0 within the confirm timeout (120 s unless configured otherwise: "
                + "by 2030-01-01 09:05:00Z), or the change is rolled back.");
        assertEquals(List.of("apply dtm0 by operator admin hold"), config.calls);

        buffer.reset();
        ConfigConfirmCommand confirm = wire(new ConfigConfirmCommand());
        confirm.end = "dtm0";
        confirm.execute();
        assertTrue(output().startsWith("Confirm of dtm0: confirmed, entry #3\n"), output());
        assertContains(line(output(), "detail:"), "confirmed by operator admin");

        assertEquals("Nothing confirmed: nothing is pending on dtm0 (bad-request)", fails(confirm));
    }

    @Test
    void applyInSyncRefusedAndRolledBack() throws Exception {
        ConfigApplyCommand c = wire(new ConfigApplyCommand());
        c.end = "dtm1";
        c.execute();
        assertTrue(output().startsWith("Apply to dtm1: no-change, no history entry\n"), output());

        config.previews.put("dtm0", new Preview("dtm0", List.of("mtu: 1500 -> 100"), List.of(), List.of("mtu 100 is too small")));
        c.end = "dtm0";
        buffer.reset();
        c.execute();
        assertTrue(output().startsWith("Apply to dtm0: refused, entry #3\n"), output());
        assertContains(line(output(), "detail:"), "mtu 100 is too small");

        config.previews.put("dtm0", new Preview("dtm0", List.of("mtu: 1500 -> 1400"), List.of("ip link set dtm0 mtu 1400"),
                List.of()));
        config.forcedResult = Transaction.Result.ROLLED_BACK;
        config.restored = false;
        buffer.reset();
        c.execute();
        String out = output();
        assertTrue(out.startsWith("Apply to dtm0: rolled-back, entry #4\n"), out);
        assertContains(line(out, "restored:"), "NO: the device does not match the snapshot");
        assertContains(line(out, "detail:"), "probe unanswered for 15 s");
    }

    @Test
    void applyOrConfirmOfAnUnknownEnd() {
        ConfigApplyCommand c = wire(new ConfigApplyCommand());
        c.end = "dtm9";
        assertEquals("Configuration not applied: no tunnel end named dtm9 (bad-request)", fails(c));
        ConfigConfirmCommand confirm = wire(new ConfigConfirmCommand());
        confirm.end = "dtm9";
        assertEquals("Nothing confirmed: no tunnel end named dtm9 (bad-request)", fails(confirm));
    }

    // config:history

    @Test
    void historyIsNumberedNewestFirst() throws Exception {
        ConfigHistoryCommand c = wire(new ConfigHistoryCommand());
        c.end = "dtm0";
        c.execute();
        String out = output();
        assertContains(out, "#", "Time", "Trigger", "Result", "Restored", "Changes", "Detail");
        String second = line(out, "2 ");
        assertContains(second, "2030-01-01 09:02:00Z", "operator admin", "rolled-back", "yes",
                "mtu: 1400 -> 1300; route +10.1.0.0/16; route -10.2.0.0/16; +1 more", "probe unanswered for 15 s");
        String first = line(out, "1 ");
        assertContains(first, "2030-01-01 09:01:00Z", "tunnel established", "confirmed", "mtu: 1500 -> 1400");
        assertTrue(out.indexOf(second) < out.indexOf(first), out);
        assertFalse(out.contains("Newest"), out);
    }

    @Test
    void historyLimitAndJson() throws Exception {
        ConfigHistoryCommand c = wire(new ConfigHistoryCommand());
        c.end = "dtm0";
        c.limit = 1;
        c.execute();
        String out = output();
        assertFalse(out.contains("tunnel established"), out);
        assertContains(out, "Newest 1 of 2 entries; config:history --limit 2 dtm0 shows them all");

        c.json = true;
        buffer.reset();
        c.execute();
        assertEquals("[{\"number\":2,\"time\":\"2030-01-01T09:02:00Z\",\"trigger\":\"operator admin\",\"result\":\"rolled-back\","
                + "\"restored\":true,\"diff\":[\"mtu: 1400 -> 1300\",\"route +10.1.0.0/16\",\"route -10.2.0.0/16\",\"key: rotated\"],"
                + "\"detail\":\"probe unanswered for 15 s\",\"end\":\"dtm0\",\"intent\":\"vxlan mtu=1400\",\"commands\":"
                + "[\"ip link set dtm0 mtu 1400\"]}]", output().trim());

        c.limit = 0;
        assertEquals("--limit must be at least 1, got 0", fails(c));
    }

    @Test
    void historyOfAnEndWithoutEntriesAndOfAnUnknownEnd() throws Exception {
        ConfigHistoryCommand c = wire(new ConfigHistoryCommand());
        c.end = "dtm1";
        c.execute();
        assertContains(output(), "no history for dtm1 yet");
        c.end = "dtm9";
        assertEquals("No tunnel end named 'dtm9' on this node", fails(c));
    }

    // config:rollback

    @Test
    void rollbackPrintsTheNewEntry() throws Exception {
        ConfigRollbackCommand c = wire(new ConfigRollbackCommand());
        c.end = "dtm0";
        c.number = 1;
        c.execute();
        String out = output();
        assertTrue(out.startsWith("Rollback of dtm0 to entry #1: confirmed, entry #3\n"), out);
        assertContains(line(out, "trigger:"), "rollback to 1");
        assertContains(line(out, "changes:"), "mtu: 1400 -> 1500");
        assertEquals(List.of("rollback dtm0 to 1 by operator admin"), config.calls);
        assertEquals(3, config.history("dtm0").get(0).number());
    }

    @Test
    void rollbackToAnUnknownEntryOrEnd() {
        ConfigRollbackCommand c = wire(new ConfigRollbackCommand());
        c.end = "dtm0";
        c.number = 99;
        assertEquals("Not rolled back: dtm0 has no history entry 99 (bad-request)", fails(c));
        c.number = 0;
        assertEquals("Not rolled back: history entries are numbered from 1, got 0", fails(c));
        c.end = "dtm9";
        c.number = 1;
        assertEquals("Not rolled back: no tunnel end named dtm9 (bad-request)", fails(c));
        assertEquals(2, config.history("dtm0").size(), "nothing recorded");
    }

    // no configuration module

    @Test
    void everyCommandSaysTheConfigurationModuleIsMissing() {
        List<ConfigCommand> commands = List.of(new VendorListCommand(), new ConfigShowCommand(), new ConfigPreviewCommand(),
                new ConfigApplyCommand(), new ConfigConfirmCommand(), new ConfigHistoryCommand(), new ConfigRollbackCommand());
        for (ConfigCommand c : commands) {
            wire(c).config = null;
            String m = fails(c);
            assertTrue(m.toLowerCase(java.util.Locale.ROOT).contains("the configuration module (feature dtm-config) is not installed"),
                    c.getClass().getSimpleName() + ": " + m);
        }
        ConfigApplyCommand apply = wire(new ConfigApplyCommand());
        apply.config = null;
        apply.end = "dtm0";
        assertEquals("Configuration not applied: the configuration module (feature dtm-config) is not installed on this node",
                fails(apply));
        ConfigShowCommand show = wire(new ConfigShowCommand());
        show.config = null;
        assertEquals("The configuration module (feature dtm-config) is not installed on this node", fails(show));
    }

    // completion

    @Test
    void completesEndNames() {
        EndNameCompleter c = new EndNameCompleter();
        List<String> candidates = new ArrayList<>();
        c.complete(null, new CommandsTest.StubLine(""), candidates);
        assertTrue(candidates.isEmpty(), "no configuration module: nothing to offer");
        c.config = config;
        c.complete(null, new CommandsTest.StubLine("dtm"), candidates);
        assertEquals(List.of("dtm0", "dtm1"), candidates.stream().map(String::trim).sorted().toList());
    }

    @Test
    void completesHistoryNumbersOfTheEndTyped() {
        HistoryNumberCompleter c = new HistoryNumberCompleter();
        c.config = config;
        List<String> candidates = new ArrayList<>();
        c.complete(null, new Line(2, "config:rollback", "dtm0", ""), candidates);
        assertEquals(List.of("1", "2"), candidates.stream().map(String::trim).sorted().toList());
        candidates.clear();
        c.complete(null, new Line(1, "config:rollback", ""), candidates);
        assertTrue(candidates.isEmpty(), "no end typed yet: " + candidates);
        c.complete(null, new Line(2, "config:rollback", "dtm9", ""), candidates);
        assertTrue(candidates.isEmpty(), "unknown end: " + candidates);
        c.config = null;
        c.complete(null, new Line(2, "config:rollback", "dtm0", ""), candidates);
        assertTrue(candidates.isEmpty());
    }

    /** A whole command line with the cursor at the end of argument {@code cursor}. */
    record Line(int cursor, String... args) implements org.apache.karaf.shell.api.console.CommandLine {
        @Override
        public int getCursorArgumentIndex() {
            return cursor;
        }

        @Override
        public String getCursorArgument() {
            return args[cursor];
        }

        @Override
        public int getArgumentPosition() {
            return args[cursor].length();
        }

        @Override
        public String[] getArguments() {
            return args;
        }

        @Override
        public int getBufferPosition() {
            return getBuffer().length();
        }

        @Override
        public String getBuffer() {
            return String.join(" ", args);
        }
    }

    // command lines as Karaf parses them

    private static <T extends Action> T parse(T action, String line) throws Exception {
        List<Object> params = line.isBlank() ? List.of() : Arrays.asList((Object[]) line.trim().split("\\s+"));
        assertTrue(new DefaultActionPreparator().prepare(action, null, params));
        return action;
    }

    @Test
    void commandLines() throws Exception {
        assertTrue(parse(new VendorListCommand(), "-j").json);
        assertEquals(null, parse(new ConfigShowCommand(), "").end);
        ConfigShowCommand show = parse(new ConfigShowCommand(), "--json dtm0");
        assertEquals("dtm0", show.end);
        assertTrue(show.json);
        assertEquals("dtm0", parse(new ConfigPreviewCommand(), "dtm0").end);
        ConfigApplyCommand apply = parse(new ConfigApplyCommand(), "--hold dtm0");
        assertTrue(apply.hold);
        assertFalse(parse(new ConfigApplyCommand(), "dtm0").hold);
        assertEquals("dtm0", parse(new ConfigConfirmCommand(), "dtm0").end);
        ConfigHistoryCommand history = parse(new ConfigHistoryCommand(), "--limit 5 -j dtm0");
        assertEquals(5, history.limit);
        assertTrue(history.json);
        assertEquals(ConfigHistoryCommand.DEFAULT_LIMIT, parse(new ConfigHistoryCommand(), "dtm0").limit);
        assertEquals(3, parse(new ConfigHistoryCommand(), "-n 3 dtm0").limit);
        ConfigRollbackCommand rollback = parse(new ConfigRollbackCommand(), "dtm0 7");
        assertEquals("dtm0", rollback.end);
        assertEquals(7, rollback.number);
        assertThrows(CommandException.class, () -> parse(new ConfigRollbackCommand(), "dtm0"));
    }
}
