package net.dtm.agent;

import static net.dtm.agent.PathSelectorTest.link;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkState;

class PathStateTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static List<PathSelector.Candidate> slowUpFastUp() {
        return List.of(link("slow", LinkState.UP, false, 400, 0), link("fast", LinkState.UP, false, 20, 0));
    }

    @Test
    void aBetterLinkWaitsTheIntervalAfterTheTunnelWasBuilt() {
        PathState p = new PathState();
        p.announce(List.of(link("slow", LinkState.UP, false, 400, 0)));
        p.built(T0);

        assertNull(p.review(T0.plus(PathState.VOLUNTARY_MOVE_INTERVAL).minusMillis(1), slowUpFastUp()));
        assertEquals("slow", p.current().orElseThrow().linkId());

        PathState.Move m = p.review(T0.plus(PathState.VOLUNTARY_MOVE_INTERVAL), slowUpFastUp());
        assertEquals("slow", m.before().orElseThrow().linkId());
        assertEquals("fast", m.next().orElseThrow().linkId());
        assertEquals("fast", p.unannounced().orElseThrow().linkId(), "the ESTABLISH named the slow link");
    }

    @Test
    void aMoveOffADeadLinkIsImmediateAndStartsTheInterval() {
        PathState p = new PathState();
        p.announce(slowUpFastUp());
        p.built(T0);
        assertEquals("fast", p.current().orElseThrow().linkId());
        assertTrue(p.unannounced().isEmpty());

        PathState.Move off = p.review(T0.plusSeconds(1),
                List.of(link("slow", LinkState.UP, false, 400, 0), link("fast", LinkState.DOWN, false, 20, 0)));
        assertEquals("slow", off.next().orElseThrow().linkId());

        // fast is back 10 s after the build but only 9 s after the move: it waits
        assertNull(p.review(T0.plusSeconds(10), slowUpFastUp()));
        assertEquals("fast", p.review(T0.plusSeconds(11), slowUpFastUp()).next().orElseThrow().linkId());
    }

    @Test
    void noUsableLinkLeavesNoPath() {
        PathState p = new PathState();
        p.announce(slowUpFastUp());
        PathState.Move m = p.review(T0, List.of(link("slow", LinkState.DOWN, false, 400, 0)));
        assertTrue(m.next().isEmpty());
        assertTrue(p.current().isEmpty());
        assertTrue(p.unannounced().isEmpty());
    }
}
