package net.dtm.testkit.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import net.dtm.testkit.dataplane.DataPlaneLab.Pings;

class PingsBothWaysTest {

    @Test
    void bothWaysAddUp() {
        assertEquals(new Pings(40, 37), DataPlaneLab.bothWays(() -> new Pings(20, 19), () -> new Pings(20, 18)));
    }

    /** What cleanPingsBothWays takes for a round that met dtm0's rebuild; CI saw it arrive wrapped, and fail step (d). */
    @Test
    void aPingThatCannotRunIsThrownAsTheLabsOwnError() {
        LabException e = assertThrows(LabException.class, () -> DataPlaneLab.bothWays(() -> {
            throw new LabException("ping 10.64.0.1 printed no summary: ping: connect: Network is unreachable");
        }, () -> new Pings(20, 20)));
        assertEquals("ping 10.64.0.1 printed no summary: ping: connect: Network is unreachable", e.getMessage());
    }
}
