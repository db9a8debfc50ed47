package net.dtm.vendor.ciscoios;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Telling IOS errors from output. */
class IosErrorsTest {

    @Test
    void findsTheErrorsIosPrints() {
        String invalid = "                            ^\n% Invalid input detected at '^' marker.\n";
        assertEquals(Optional.of("% Invalid input detected at '^' marker."), IosErrors.find(invalid));
        assertEquals(Optional.of("% Incomplete command."), IosErrors.find("% Incomplete command.\n\n"));
        assertEquals(Optional.of("% Ambiguous command:  \"ip m\""), IosErrors.find("% Ambiguous command:  \"ip m\"\n"));
        assertEquals(Optional.of("%Inconsistent address and mask"), IosErrors.find("%Inconsistent address and mask\n"));
        assertEquals(Optional.of("% 10.0.0.0 overlaps with Tunnel1"), IosErrors.find("% 10.0.0.0 overlaps with Tunnel1"));
    }

    @Test
    void theCaretNamesTheOffendingWord() {
        String prompt = "r1(config-if)#";
        String out = " ".repeat(prompt.length() + 7) + "^\n% Invalid input detected at '^' marker.\n";
        assertEquals(Optional.of("40"), IosErrors.offendingWord(out, prompt, "ip mtu 40"));
    }

    @Test
    void outputAndSyslogAreNotErrors() {
        assertEquals(Optional.empty(), IosErrors.find("Building configuration...\n\ninterface Tunnel1\n description 50% off\n"));
        assertEquals(Optional.empty(), IosErrors.find("%LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel4000, changed state to up"));
        assertEquals(Optional.empty(), IosErrors.find("*Dec  3 02:16:35.123: %LINK-3-UPDOWN: Interface Tunnel4000, changed state to up"));
    }
}
