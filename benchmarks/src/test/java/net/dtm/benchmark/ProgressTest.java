package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aCountedStepEstimatesWhatIsLeftFromItsRate() {
        assertEquals("  filling: 1000 of 5000 leases (20 %), 100 /s, 10 s spent, about 40 s left",
                Progress.line("filling", "leases", 1000, 5000, Double.NaN, 10));
        assertEquals("  filling: 0 of 5000 leases (0 %), 0 /s, 10 s spent, nothing done yet, no estimate",
                Progress.line("filling", "leases", 0, 5000, Double.NaN, 10));
        assertEquals("  filling: 5000 of 5000 leases (100 %), 250 /s, 20 s spent, finishing",
                Progress.line("filling", "leases", 5000, 5000, Double.NaN, 20));
    }

    @Test
    void aTimedStepSaysHowMuchOfItsDurationIsLeft() {
        assertEquals("  trial: 3000 leases, 300 /s, 10 s spent, about 20 s of 30 s left",
                Progress.line("trial", "leases", 3000, -1, 30, 10));
        assertEquals("  trial: 9000 leases, 257 /s, 35 s spent, about 0 s of 30 s left",
                Progress.line("trial", "leases", 9000, -1, 30, 35));
    }

    @Test
    void aSingleCallOnlySaysHowLongItHasTaken() {
        assertEquals("  opening: still running, 1 min 10 s spent (one call: no estimate)",
                Progress.line("opening", "", 0, -1, Double.NaN, 70));
    }

    @Test
    void durationsReadAsSecondsMinutesOrHours() {
        assertEquals("59 s", Progress.duration(59.4));
        assertEquals("3 min 20 s", Progress.duration(200));
        assertEquals("1 h 05 min", Progress.duration(3900));
    }

    @Test
    void ratesAreTakenOverIntervalsOfAtLeastTheGivenLength() {
        List<double[]> samples = List.of(new double[] {0, 0}, new double[] {1, 100}, new double[] {2, 300},
                new double[] {3, 330}, new double[] {4.5, 630});
        List<double[]> rates = Progress.rates(samples, 2);
        assertEquals(2, rates.size());
        assertEquals(List.of(2.0, 300.0, 150.0), List.of(rates.get(0)[0], rates.get(0)[1], rates.get(0)[2]));
        assertEquals(List.of(4.5, 630.0, 132.0), List.of(rates.get(1)[0], rates.get(1)[1], rates.get(1)[2]));
    }

    @Test
    void aClosedProgressEndsWithAFinalSample() {
        long[] done = {0};
        Progress p = Progress.ofCount("x", 10, "things", () -> done[0]);
        done[0] = 7;
        p.close();
        List<double[]> samples = p.samples();
        assertEquals(0, samples.get(0)[1]);
        assertEquals(7, samples.get(samples.size() - 1)[1]);
    }
}
