package net.dtm.link.cellular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;

import net.dtm.link.iface.InterfaceLinkSettings;
import net.dtm.spi.link.LinkKind;

class CellularLinkComponentTest {

    static CellularLinkComponent.Config config(String id, String kind, String iface) {
        return new CellularLinkComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CellularLinkComponent.Config.class;
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
            public String interface$() {
                return iface;
            }

            @Override
            public int port() {
                return 47900;
            }

            @Override
            public int mtu() {
                return 1380;
            }

            @Override
            public long poll_ms() {
                return 250;
            }
        };
    }

    @Test
    void configurationBecomesSettings() {
        assertEquals(new InterfaceLinkSettings("5g", LinkKind.FIVE_G, "wwan1", 47900, 1380, 250, false),
                CellularLinkComponent.settings(config(" 5g ", "5G", " wwan1 ")));
    }

    @Test
    void missingIdOrInterfaceOrNonCellularKindFailsClearly() {
        assertThrows(IllegalArgumentException.class, () -> CellularLinkComponent.settings(config("", "lte", "wwan0")));
        assertThrows(IllegalArgumentException.class, () -> CellularLinkComponent.settings(config(null, "lte", "wwan0")));
        assertThrows(IllegalArgumentException.class, () -> CellularLinkComponent.settings(config("x", "satellite", "wwan0")));
        assertThrows(IllegalArgumentException.class, () -> CellularLinkComponent.settings(config("x", "pigeon", "wwan0")));
        assertThrows(IllegalArgumentException.class, () -> CellularLinkComponent.settings(config("x", "lte", " ")));
    }
}
