package net.dtm.vendor.huaweivrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The prompt pattern follows every view and any sysname, and nothing that is not a prompt. */
class VrpPromptTest {

    private static boolean prompt(String s) {
        return VrpPrompt.PATTERN.matcher(s).find();
    }

    @Test
    void acceptsEveryViewAndMarker() {
        for (String p : new String[] {"<HUAWEI>", "[HUAWEI]", "[~HUAWEI]", "[*HUAWEI]", "[~HUAWEI-Tunnel0/0/4000]",
                "[*HUAWEI-Tunnel0/0/4000]", "<edge-vrp-2.lab>", "[~edge vrp 2]", "[~" + "x".repeat(60) + "-Tunnel0/0/4007]",
                "<" + "core-router-in-the-north-east-depot-number-0042" + ">"}) {
            assertTrue(prompt(p), p);
        }
    }

    @Test
    void refusesWhatIsNotAPrompt() {
        for (String p : new String[] {"  ---- More ----", "Info: choose [Y/N]", "[~HUAWEI] extra", "Error: Wrong parameter found at '^' position.", "",
                "HUAWEI#", "Router(config)#"}) {
            assertFalse(prompt(p), p);
        }
    }

    @Test
    void questionsEndTheWaitSoTheSessionCanAnswerThem() {
        for (String q : new String[] {"Warning: Uncommitted configurations found. Are you sure to commit them before exiting? "
                + "[Y(yes)/N(no)/C(cancel)]:", "Warning: The trial configuration will be rolled back. Continue? [Y/N]:"}) {
            assertTrue(prompt(q), q);
            assertTrue(VrpPrompt.isQuestion(q), q);
            assertTrue(VrpPrompt.parse(q).isEmpty(), "a question is no view");
        }
        assertFalse(VrpPrompt.isQuestion("[~HUAWEI]"));
    }

    @Test
    void matchesTheLastLineOfAnOutput() {
        assertTrue(prompt("Info: something\n[~HUAWEI]"));
    }

    @Test
    void parsesViewMarkerAndName() {
        VrpPrompt user = VrpPrompt.parse("<HUAWEI>").orElseThrow();
        assertTrue(user.userView());
        assertEquals("HUAWEI", user.inside());
        VrpPrompt clean = VrpPrompt.parse("[~HUAWEI-Tunnel0/0/4000]").orElseThrow();
        assertTrue(clean.twoStage());
        assertFalse(clean.dirty());
        assertEquals("HUAWEI-Tunnel0/0/4000", clean.inside());
        VrpPrompt dirty = VrpPrompt.parse("[*edge 2]").orElseThrow();
        assertTrue(dirty.dirty());
        VrpPrompt immediate = VrpPrompt.parse("[HUAWEI]").orElseThrow();
        assertFalse(immediate.twoStage());
        assertFalse(immediate.userView());
        assertTrue(VrpPrompt.parse("HUAWEI#").isEmpty());
    }
}
