package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import net.dtm.benchmark.Matrix.Options;
import net.dtm.benchmark.Scenario.LossModel;

class MatrixTest {

    @Test
    void fullMatrixCoversLinksServersLossesAndModels() {
        List<Scenario> all = Matrix.parse().scenarios();
        // 3 terrestrial link sets x 3 server counts + geo x 2 server counts = 11 families;
        // each: 5 independent losses and 4 bursty ones (0 % is one scenario)
        assertEquals(11 * 9, all.size());
        assertEquals(Set.of(1, 2, 3), all.stream().map(Scenario::servers).collect(Collectors.toSet()));
        assertEquals(Set.of(0.0, 10.0, 30.0, 50.0, 70.0),
                all.stream().map(Scenario::lossPercent).collect(Collectors.toSet()));
        assertEquals(Set.of("5g", "5g+lte", "5g+lte+leo", "geo"),
                all.stream().map(s -> Matrix.linkSetName(s.links())).collect(Collectors.toSet()));
        assertTrue(all.stream().noneMatch(s -> s.model() == LossModel.BURSTY && s.lossPercent() == 0));
    }

    @Test
    void slowLinksGetEnoughAgentsToFinishInSeconds() {
        Scenario geo = Matrix.parse("--links", "geo", "--servers", "3", "--loss", "50", "--model", "indep").scenarios()
                .get(0);
        assertEquals(300, geo.establishments());
        assertEquals(60, geo.agents());
        assertEquals(600, geo.fastestRtt());
    }

    @Test
    void headlineIsIssueThreesAcceptance() {
        List<Scenario> h = Matrix.parse("--headline").scenarios();
        assertEquals(5, h.size());
        Scenario main = h.get(0);
        assertEquals("5g+lte+leo x3", main.family());
        assertEquals(50, main.lossPercent());
        assertEquals(LossModel.INDEPENDENT, main.model());
        assertTrue(main.establishments() >= 1000);
        assertEquals(0, h.get(1).lossPercent());
        assertEquals("geo x3", h.get(2).family());
        assertEquals(50, h.get(2).lossPercent());
        assertEquals(0, main.coldAgents());
        assertEquals(Matrix.HEADLINE_COLD_AGENTS, h.get(1).coldAgents(), "0 %: the cold datagram count");
        // issue 17: one server, and one lossy link alone, each with 200 freshly started agents
        Scenario one = h.get(3);
        assertEquals("5g+lte+leo x1", one.family());
        assertEquals(50, one.lossPercent());
        assertEquals(main.establishments(), one.establishments());
        assertTrue(one.coldAgents() >= 200);
        Scenario alone = h.get(4);
        assertEquals("5g x1", alone.family());
        assertEquals(50, alone.lossPercent());
        assertEquals(LossModel.INDEPENDENT, alone.model());
        assertTrue(alone.coldAgents() >= 200);
        // asking for fewer still runs at least the 1000 issue 3 asks for
        assertEquals(1000, Matrix.parse("--headline", "--establishments", "10").scenarios().get(0).establishments());
    }

    @Test
    void filtersAndSettingsAreApplied() {
        Options o = Matrix.parse("--links", "5g", "--servers", "1", "--loss", "30,70", "--model", "bursty", "--seed", "9",
                "--burst", "2.5", "--establishments", "20", "--agents", "4", "--out", "x", "--warmup", "0");
        assertEquals(2, o.scenarios().size());
        assertTrue(o.scenarios().stream().allMatch(s -> s.model() == LossModel.BURSTY && s.establishments() == 20
                && s.agents() == 4 && s.family().equals("5g x1")));
        assertEquals(9, o.seed());
        assertEquals(2.5, o.meanBurst());
        assertEquals("x", o.outDir());
        assertEquals(0, o.warmup());
        assertTrue(o.traceMs() < 0, "no trace unless asked");
        assertFalse(o.rehome(), "warm establishments by reestablish unless asked");
        assertTrue(Matrix.parse("--warm-by", "rehome").rehome());
        assertFalse(Matrix.parse("--warm-by", "reestablish").rehome());
        Options traced = Matrix.parse("--links", "5g", "--servers", "1", "--loss", "50", "--model", "indep",
                "--cold-agents", "7", "--trace", "250");
        assertEquals(250, traced.traceMs());
        assertEquals(7, traced.scenarios().get(0).coldAgents());
    }

    @Test
    void badCommandLinesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--nope"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--links", "wifi"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--servers", "4"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--establishments", "0"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--loss", "42"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--model", "gaussian"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--seed"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--warmup", "-1"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--cold-agents", "-1"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--trace", "-5"));
        assertThrows(IllegalArgumentException.class, () -> Matrix.parse("--warm-by", "restart"));
    }

    @Test
    void helpSelectsNothing() {
        assertTrue(Matrix.parse("--help").help());
    }
}
