package net.dtm.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.OuterPath;
import net.dtm.spi.link.LinkState;

class PathSelectorTest {

    private final PathSelector selector = new PathSelector();

    static PathSelector.Candidate link(String id, LinkState state, boolean metered, int rttMs, double loss) {
        return new PathSelector.Candidate(id, state, true, metered,
                Optional.of(new InetSocketAddress("10.0." + Math.abs(id.hashCode() % 200) + ".2", 0)),
                Duration.ofMillis(rttMs), loss);
    }

    @Test
    void unmeteredBeforeMeteredEvenWhenSlower() {
        Optional<OuterPath> p = selector.choose(List.of(link("sat", LinkState.UP, true, 20, 0),
                link("lte", LinkState.UP, false, 60, 0)), Optional.empty());
        assertEquals("lte", p.orElseThrow().linkId());
    }

    @Test
    void healthyBeforeLossyAndFasterFirst() {
        assertEquals("lte", selector.choose(List.of(link("5g", LinkState.UP, false, 20, 0.6),
                link("lte", LinkState.UP, false, 40, 0.01)), Optional.empty()).orElseThrow().linkId());
        assertEquals("5g", selector.choose(List.of(link("5g", LinkState.UP, false, 20, 0),
                link("lte", LinkState.UP, false, 40, 0)), Optional.empty()).orElseThrow().linkId());
    }

    @Test
    void downDisabledAndUnboundLinksAreNeverChosen() {
        PathSelector.Candidate disabled = new PathSelector.Candidate("a", LinkState.UP, false, false,
                Optional.of(new InetSocketAddress("10.0.0.2", 0)), Duration.ofMillis(5), 0);
        PathSelector.Candidate unbound = new PathSelector.Candidate("b", LinkState.UP, true, false, Optional.empty(),
                Duration.ofMillis(5), 0);
        PathSelector.Candidate down = link("c", LinkState.DOWN, false, 5, 0);
        assertTrue(selector.choose(List.of(disabled, unbound, down), Optional.empty()).isEmpty());
        assertEquals("d", selector.choose(List.of(disabled, unbound, down, link("d", LinkState.UP, true, 600, 0.5)),
                Optional.empty()).orElseThrow().linkId());
    }

    @Test
    void stickyUntilAnotherLinkIsInABetterTierOrTwiceAsFast() {
        PathSelector.Candidate lte = link("lte", LinkState.UP, false, 40, 0);
        Optional<OuterPath> onLte = Optional.of(lte.path());
        // 5G a little faster: stay
        assertEquals("lte", selector.choose(List.of(link("5g", LinkState.UP, false, 30, 0), lte), onLte).orElseThrow().linkId());
        // twice as fast but only 30 ms apart (estimates inflated by retransmissions): stay
        assertEquals("lte", selector.choose(List.of(link("5g", LinkState.UP, false, 25, 0),
                link("lte", LinkState.UP, false, 55, 0)), Optional.of(link("lte", LinkState.UP, false, 55, 0).path()))
                .orElseThrow().linkId());
        // 5G more than twice as fast: move
        assertEquals("5g", selector.choose(List.of(link("5g", LinkState.UP, false, 15, 0),
                link("lte", LinkState.UP, false, 140, 0)), onLte).orElseThrow().linkId());
        // current turns sick while another is clean: move
        assertEquals("5g", selector.choose(List.of(link("5g", LinkState.UP, false, 30, 0),
                link("lte", LinkState.UP, false, 40, 0.5)), onLte).orElseThrow().linkId());
        // estimates wandering around the healthy threshold (0.35 vs 0.25) do not move the tunnel
        assertEquals("lte", selector.choose(List.of(link("5g", LinkState.UP, false, 30, 0.25),
                link("lte", LinkState.UP, false, 40, 0.35)), onLte).orElseThrow().linkId());
        assertEquals("lte", selector.choose(List.of(link("5g", LinkState.UP, false, 30, 0.15),
                link("lte", LinkState.UP, false, 40, 0.45)), onLte).orElseThrow().linkId());
        // no voluntary moves allowed now: only a dead link is left
        assertEquals("lte", selector.choose(List.of(link("5g", LinkState.UP, false, 5, 0),
                link("lte", LinkState.UP, false, 40, 0.9)), onLte, false).orElseThrow().linkId());
        assertEquals("5g", selector.choose(List.of(link("5g", LinkState.UP, false, 5, 0),
                link("lte", LinkState.DOWN, false, 40, 0)), onLte, false).orElseThrow().linkId());
        // current goes down: move
        assertEquals("5g", selector.choose(List.of(link("5g", LinkState.UP, false, 30, 0),
                link("lte", LinkState.DOWN, false, 40, 0)), onLte).orElseThrow().linkId());
    }

    @Test
    void aMeteredLinkIsLeftForAHealthyUnmeteredOneButNotForABrokenOne() {
        PathSelector.Candidate sat = link("sat", LinkState.UP, true, 600, 0);
        assertEquals("lte", selector.choose(List.of(sat, link("lte", LinkState.UP, false, 900, 0.1)),
                Optional.of(sat.path())).orElseThrow().linkId());
        assertEquals("sat", selector.choose(List.of(sat, link("wifi", LinkState.UP, false, 20, 0.9)),
                Optional.of(sat.path())).orElseThrow().linkId());
        assertEquals("sat", selector.choose(List.of(sat, link("wifi", LinkState.UP, false, 20, 0.9)),
                Optional.empty()).orElseThrow().linkId(), "a clean metered link before a broken unmetered one");
    }

    @Test
    void aNewAddressOnTheSameLinkIsANewPath() {
        PathSelector.Candidate before = link("lte", LinkState.UP, false, 40, 0);
        PathSelector.Candidate after = new PathSelector.Candidate("lte", LinkState.UP, true, false,
                Optional.of(new InetSocketAddress("100.64.9.9", 0)), Duration.ofMillis(40), 0);
        Optional<OuterPath> p = selector.choose(List.of(after), Optional.of(before.path()));
        assertEquals("100.64.9.9", p.orElseThrow().localAddress().getAddress().getHostAddress());
    }
}
