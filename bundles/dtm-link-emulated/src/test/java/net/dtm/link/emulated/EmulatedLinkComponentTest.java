package net.dtm.link.emulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkKind;

class EmulatedLinkComponentTest {

    static EmulatedLinkComponent.Config config(String id, String kind) {
        return new EmulatedLinkComponent.Config() {
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
    void missingIdOrUnknownKindFailsClearly() {
        assertThrows(IllegalArgumentException.class, () -> EmulatedLinkComponent.settings(config("", "lte")));
        assertThrows(IllegalArgumentException.class, () -> EmulatedLinkComponent.settings(config(null, "lte")));
        assertThrows(IllegalArgumentException.class, () -> EmulatedLinkComponent.settings(config("x", "carrier-pigeon")));
    }
}
