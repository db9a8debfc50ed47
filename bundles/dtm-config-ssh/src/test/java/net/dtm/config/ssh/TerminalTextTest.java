package net.dtm.config.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void splitsLinesDropsCrAndTrailingBlanks() {
        assertEquals(List.of("show version", "TinyOS", "r1#"), TerminalText.render("show version\r\nTinyOS  \r\nr1#"));
        assertEquals(List.of("a", ""), TerminalText.render("a\r\n"));
    }

    @Test
    void aLoneCarriageReturnOverwritesTheLine() {
        assertEquals(List.of("r1#"), TerminalText.render("wait...\r       \rr1#"));
    }

    @Test
    void iosPagerEraseWithBackspacesLeavesNothing() {
        String erase = "\b".repeat(10) + " ".repeat(10) + "\b".repeat(10);
        assertEquals(List.of("line 1", "line 2", "r1#"),
                TerminalText.render("line 1\r\n --More-- " + erase + "line 2\r\nr1#"));
    }

    @Test
    void vrpPagerEraseWithCursorMovesLeavesNothing() {
        String vrp = "  ---- More ----\u001b[42D" + " ".repeat(42) + "\u001b[42D";
        assertEquals(List.of("line 1", "line 2", "<HUAWEI>"),
                TerminalText.render("line 1\r\n" + vrp + "line 2\r\n<HUAWEI>"));
    }

    @Test
    void colourAndOtherEscapesAreDropped() {
        assertEquals(List.of("[admin@MikroTik] >"),
                TerminalText.render("\u001b[9999B\u001b[m\u001b[32m[admin@MikroTik] >\u001b[0m \u001b[K"));
    }

    @Test
    void eraseToEndOfLineCutsAtTheCursor() {
        assertEquals(List.of("abc"), TerminalText.render("abcdef\u001b[3D\u001b[K"));
    }

    @Test
    void backspaceNeverCrossesALineStart() {
        assertEquals(List.of("one", "Xwo"), TerminalText.render("one\ntwo\b\b\b\b\bX"));
    }

    @Test
    void aTruncatedEscapeAtTheEndIsIgnored() {
        assertEquals(List.of("r1#"), TerminalText.render("r1#\u001b["));
    }
}
