package net.dtm.link.satellite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.Dictionary;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.dtm.link.iface.InterfaceLink;
import net.dtm.link.iface.InterfaceLinkSettings;
import net.dtm.link.iface.InterfaceStatus;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

class SatelliteLinkComponentTest {

    static SatelliteLinkComponent.Config config(String id, String iface, boolean metered, String usage) {
        return new SatelliteLinkComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SatelliteLinkComponent.Config.class;
            }

            @Override
            public String link_id() {
                return id;
            }

            @Override
            public String interface$() {
                return iface;
            }

            @Override
            public int port() {
                return 0;
            }

            @Override
            public int mtu() {
                return 1200;
            }

            @Override
            public long poll_ms() {
                return 1000;
            }

            @Override
            public boolean metered() {
                return metered;
            }

            @Override
            public String usage() {
                return usage;
            }
        };
    }

    @Test
    void configurationBecomesMeteredSatelliteSettings() {
        InterfaceLinkSettings s = SatelliteLinkComponent.settings(config(" geo ", "sat0", true, "backup"));
        assertEquals(new InterfaceLinkSettings("geo", LinkKind.SATELLITE, "sat0", 0, 1200, 1000, true), s);
        assertEquals("backup", SatelliteLinkComponent.usage(config("geo", "sat0", true, " Backup ")));
        assertEquals("always", SatelliteLinkComponent.usage(config("geo", "sat0", false, "always")));
    }

    @Test
    void serviceCarriesKindAndUsage() {
        SatelliteLinkComponent.Config config = config("geo", "sat0", true, "backup");
        Dictionary<String, Object> props = SatelliteLinkComponent.serviceProperties(Map.of("usage", "backup"), config);
        assertEquals("geo", props.get(LinkDriver.PROP_LINK_ID));
        assertEquals("satellite", props.get(LinkDriver.PROP_LINK_KIND));
        assertEquals("backup", props.get("dtm.link.usage"));
        assertEquals("always", SatelliteLinkComponent.serviceProperties(Map.of(), config("leo", "sat1", false, " Always "))
                .get(LinkDriver.PROP_USAGE));
    }

    @Test
    void theDriverReportsMeteredAsConfigured() throws Exception {
        InterfaceLinkSettings metered = SatelliteLinkComponent.settings(config("geo", "sat0", true, "backup"));
        try (InterfaceLink link = new InterfaceLink(metered,
                name -> InterfaceStatus.upWith(java.net.InetAddress.getByName("127.0.0.1")), null)) {
            assertTrue(link.metered());
            assertEquals(LinkKind.SATELLITE, link.kind());
            assertEquals(LinkState.UP, link.state());
            assertEquals(1200, link.mtu());
        }
        InterfaceLinkSettings flat = SatelliteLinkComponent.settings(config("leo", "sat1", false, "always"));
        try (InterfaceLink link = new InterfaceLink(flat, name -> InterfaceStatus.ABSENT, null)) {
            assertFalse(link.metered());
            assertEquals(LinkState.DOWN, link.state());
        }
    }

    @Test
    void badConfigurationFailsClearly() {
        assertThrows(IllegalArgumentException.class, () -> SatelliteLinkComponent.settings(config("", "sat0", true, "backup")));
        assertThrows(IllegalArgumentException.class, () -> SatelliteLinkComponent.settings(config("geo", "", true, "backup")));
        assertThrows(IllegalArgumentException.class, () -> SatelliteLinkComponent.usage(config("geo", "sat0", true, "sometimes")));
    }
}
