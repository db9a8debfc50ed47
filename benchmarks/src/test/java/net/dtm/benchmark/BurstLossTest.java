package net.dtm.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.dtm.link.emulated.GilbertElliott;

class BurstLossTest {

    @ParameterizedTest
    @CsvSource({"10, 4, 4", "50, 4, 4", "70, 4, 4", "70, 1, 2.3333333", "50, 1, 1"})
    void burstyLossLosesTheScenariosRateWithBurstsAtLeastAsLongAsAsked(double loss, double burst,
                                                                         double expectedBurst) {
        GilbertElliott.Params p = EstablishBenchmark.burstLoss(loss, burst);
        assertEquals(loss / 100, p.stationaryLoss(), 1e-9);
        assertEquals(expectedBurst, p.meanBadRun(), 1e-6);
    }
}
