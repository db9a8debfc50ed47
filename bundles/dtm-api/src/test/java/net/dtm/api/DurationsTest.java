package net.dtm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void durationsAsOperatorsTypeThem() {
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90"));
        assertEquals(Duration.ofMinutes(15), Durations.parse(" 15m "));
        assertEquals(Duration.ofHours(2), Durations.parse("2H"));
        assertEquals(Duration.ofDays(7), Durations.parse("7d"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("PT1H30M"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("pt1h30m"));
    }

    @Test
    void refusesNegativeAndMalformedNamingTheForms() {
        for (String bad : new String[] {"-5m", "PT-1H", "-PT1H", "", "15 minutes", "5w"}) {
            assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
        }
        assertEquals("'15 minutes' is not a duration (e.g. 0, 90s, 15m, 2h, 7d or PT1H30M)",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse("15 minutes")).getMessage());
        assertEquals("'null' is not a duration (e.g. 0, 90s, 15m, 2h, 7d or PT1H30M)",
                assertThrows(IllegalArgumentException.class, () -> Durations.parse(null)).getMessage());
    }
}
