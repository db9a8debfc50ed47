package net.dtm.link.emulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkKind;

class EmulatedLinkComponentTest {

    static EmulatedLinkComponent.Config config(String id, String kind) {
        return config(id, kind, "independent", 0, 1, 0, 1, 0, 0);
    }

    static EmulatedLinkComponent.Config config(String id, String kind, String lossModel, double pGoodBad, double pBadGood,
                                               double lossGood, double lossBad, long outagePeriod, long outageDuration) {
        return new EmulatedLinkComponent.Config() {
            @Override
            public String loss_model() {
                return lossModel;
            }

            @Override
            public double ge_p_good_bad() {
                return pGoodBad;
            }

            @Override
            public double ge_p_bad_good() {
                return pBadGood;
            }

            @Override
            public double ge_loss_good() {
                return lossGood;
            }

            @Override
            public double ge_loss_bad() {
                return lossBad;
            }

            @Override
            public long outage_period_ms() {
                return outagePeriod;
            }

            @Override
            public long outage_duration_ms() {
                return outageDuration;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return EmulatedLinkComponent.Config.class;
            }

            @Override
            public String link_id() {
                return id;
            }

            @Override
            public String kind() {
                return kind;
            }

            @Override
            public double rtt_ms() {
                return 30;
            }

            @Override
            public double jitter_ms() {
                return 2;
            }

            @Override
            public double loss_percent() {
                return 50;
            }

            @Override
            public long seed() {
                return 11;
            }

            @Override
            public String bind_host() {
                return "127.0.0.1";
            }
        };
    }

    @Test
    void configurationBecomesSettings() {
        EmulatedLinkSettings s = EmulatedLinkComponent.settings(config(" 5g ", "5g"));
        assertEquals(new EmulatedLinkSettings("5g", LinkKind.FIVE_G, 30, 2, 50, 11, "127.0.0.1"), s);
    }

    @Test
    void burstLossAndOutagesComeFromTheirProperties() {
        EmulatedLinkSettings s = EmulatedLinkComponent.settings(
                config("lte", "lte", " Gilbert-Elliott ", 0.05, 0.25, 0.01, 0.8, 10_000, 2_000));
        assertEquals(new GilbertElliott.Params(0.05, 0.25, 0.01, 0.8), s.burstLoss().orElseThrow());
        assertEquals(new OutageSchedule(10_000, 2_000), s.outages());
        EmulatedLinkSettings plain = EmulatedLinkComponent.settings(config("lte", "lte"));
        assertTrue(plain.burstLoss().isEmpty());
        assertFalse(plain.outages().enabled());
    }

    @Test
    void badBurstOrOutagePropertiesFailClearly() {
        assertThrows(IllegalArgumentException.class,
                () -> EmulatedLinkComponent.settings(config("x", "lte", "pareto", 0.1, 0.5, 0, 1, 0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> EmulatedLinkComponent.settings(config("x", "lte", "gilbert-elliott", 1.5, 0.5, 0, 1, 0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> EmulatedLinkComponent.settings(config("x", "lte", "independent", 0, 1, 0, 1, 1_000, 1_000)));
        assertThrows(IllegalArgumentException.class,
                () -> EmulatedLinkComponent.settings(config("x", "lte", "independent", 0, 1, 0, 1, 0, 500)));
    }

    @Test
    void missingIdOrUnknownKindFailsClearly() {
        assertThrows(IllegalArgumentException.class, () -> EmulatedLinkComponent.settings(config("", "lte")));
        assertThrows(IllegalArgumentException.class, () -> EmulatedLinkComponent.settings(config(null, "lte")));
        assertThrows(IllegalArgumentException.class, () -> EmulatedLinkComponent.settings(config("x", "carrier-pigeon")));
    }
}
