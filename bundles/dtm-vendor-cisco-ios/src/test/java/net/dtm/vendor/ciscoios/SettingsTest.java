package net.dtm.vendor.ciscoios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;

/** Target options, the revert timer's minutes and the tunnel numbering. */
class SettingsTest {

    private final TunnelNumbers numbers = new TunnelNumbers(4000);

    private static DeviceTarget target(String host, Map<String, String> options) {
        return new DeviceTarget("cisco-ios", "", "", host, 0, "dtm", Optional.empty(), options);
    }

    @Test
    void theRevertTimerIsTheTimeoutInWholeMinutesWithinIosRange() {
        assertEquals(1, IosCommitConfirm.minutes(Duration.ofSeconds(1)));
        assertEquals(1, IosCommitConfirm.minutes(Duration.ofSeconds(60)));
        assertEquals(2, IosCommitConfirm.minutes(Duration.ofMillis(60_001)));
        assertEquals(2, IosCommitConfirm.minutes(Duration.ofSeconds(75)));
        assertEquals(120, IosCommitConfirm.minutes(Duration.ofHours(2)));
        assertEquals(300, IosCommitConfirm.minutes(Duration.ofHours(5)), "beyond IOS's 120: arm refuses it");
        assertEquals(1, IosCommitConfirm.minutes(Duration.ZERO));
    }

    @Test
    void targetOptionsAreCheckedWithSentencesForTheOperator() throws Exception {
        assertEquals(Duration.ofSeconds(45), IosTarget.of(target("r1", Map.of("command.timeout.seconds", "45", "tunnel.base", "4000")),
                numbers).commandTimeout());
        ConfigException base = assertThrows(ConfigException.class,
                () -> IosTarget.of(target("r1", Map.of("tunnel.base", "5000")), numbers));
        assertTrue(base.getMessage().contains("tunnel.base=5000 differs from the adapter's tunnel.base 4000"), base.getMessage());
        assertFalse(base.rejected());
        assertTrue(assertThrows(ConfigException.class, () -> IosTarget.of(target("r1", Map.of("netns", "x")), numbers))
                .getMessage().contains("unknown option(s) [netns]"));
        assertTrue(assertThrows(ConfigException.class, () -> IosTarget.of(target("", Map.of()), numbers))
                .getMessage().contains("needs its management address"));
        assertTrue(assertThrows(ConfigException.class, () -> IosTarget.of(target("r1", Map.of("command.timeout.seconds", "0")), numbers))
                .getMessage().contains("1..600"));
    }

    @Test
    void tunnelNumbersAreTheBasePlusTheNamesNumber() {
        assertEquals("Tunnel4000", numbers.interfaceName("dtm0"));
        assertEquals("Tunnel4012", numbers.interfaceName("gw-12"));
        assertEquals("Tunnel12", new TunnelNumbers(0).interfaceName("dtm12"));
        assertTrue(numbers.number("dtm").isEmpty());
        assertTrue(numbers.number("dtm012").isEmpty());
        assertTrue(numbers.number("dtm12345678901").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new TunnelNumbers(-1));
    }
}
