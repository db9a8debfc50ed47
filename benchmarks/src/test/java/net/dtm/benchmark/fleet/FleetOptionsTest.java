package net.dtm.benchmark.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class FleetOptionsTest {

    @Test
    void defaultsAreTheIssuesFleetOnBothServerSides() {
        FleetOptions o = FleetOptions.parse();
        assertEquals(100_000, o.devices());
        assertEquals(List.of("standalone", "cluster"), o.modes());
        assertEquals(600, o.timeout());
        assertEquals(0.5, o.jitter(), "the agent's back-off unless asked");
    }

    @Test
    void readsTheOptions() {
        FleetOptions o = FleetOptions.parse("--devices", "2000", "--mode", "cluster", "--timeout", "90", "--sources", "5000");
        assertEquals(2000, o.devices());
        assertEquals(List.of("cluster"), o.modes());
        assertEquals(90, o.timeout());
        assertEquals(2000, o.sources(), "never more source addresses than devices");
    }

    @Test
    void saysWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--devices", "many"))
                .getMessage().contains("whole number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--mode", "solo"))
                .getMessage().contains("standalone, cluster or both"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--timeout"))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--devices", "0"))
                .getMessage().contains("between 1 and"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--jitter", "1.5"))
                .getMessage().contains("between 0 and 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--fast", "1"))
                .getMessage().contains("unknown option"));
        assertEquals("help", assertThrows(IllegalArgumentException.class, () -> FleetOptions.parse("--help")).getMessage());
    }
}
