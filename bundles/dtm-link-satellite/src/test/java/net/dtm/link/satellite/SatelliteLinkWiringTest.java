package net.dtm.link.satellite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.dtm.link.iface.InterfaceLinkSettings;
import net.dtm.link.tck.ComponentConfig;
import net.dtm.link.tck.RecordingComponentFactory;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkKind;

/** From an operator's etc/net.dtm.link.satellite-*.cfg to the published link service, as DS wires it. */
class SatelliteLinkWiringTest {

    /** The example of the feature file, etc/net.dtm.link.satellite-geo.cfg, as Configuration Admin delivers it. */
    static Map<String, Object> geoCfg(String usage) {
        return new HashMap<>(ComponentConfig.delivered(SatelliteLinkComponent.PID, "geo", Map.of("link.id", "geo",
                "interface", "sat0", "port", "0", "mtu", "1400", "poll.ms", "500", "metered", "true", "usage", usage)));
    }

    private static SatelliteLinkComponent.Config config(Map<String, ?> properties) {
        return ComponentConfig.of(SatelliteLinkComponent.Config.class, properties);
    }

    @Test
    void aCfgFileBecomesOneServiceWithKindAndUsageThatReadsTheSameSettings() {
        Map<String, Object> cfg = geoCfg("backup");
        RecordingComponentFactory<SatelliteLinkService> factory = new RecordingComponentFactory<>();
        SatelliteLinkComponent component = new SatelliteLinkComponent(config(cfg), cfg, factory);
        Map<String, Object> props = factory.only();
        assertEquals("geo", props.get(LinkDriver.PROP_LINK_ID));
        assertEquals("satellite", props.get(LinkDriver.PROP_LINK_KIND));
        assertEquals("backup", props.get("dtm.link.usage"));
        assertFalse(props.keySet().stream().anyMatch(k -> k.startsWith("service.") || k.startsWith("component.")
                || k.startsWith("felix.")), props.toString());
        assertEquals(new InterfaceLinkSettings("geo", LinkKind.SATELLITE, "sat0", 0, 1400, 500, true),
                SatelliteLinkComponent.settings(config(props)));
        component.deactivate();
        assertEquals(1, factory.disposed());
    }

    @Test
    void usageComesFromTheCfgFileAndDefaultsToBackup() {
        Map<String, Object> always = geoCfg("always");
        RecordingComponentFactory<SatelliteLinkService> factory = new RecordingComponentFactory<>();
        new SatelliteLinkComponent(config(always), always, factory);
        assertEquals("always", factory.only().get(LinkDriver.PROP_USAGE));

        Map<String, Object> unset = geoCfg("x");
        unset.remove("usage");
        RecordingComponentFactory<SatelliteLinkService> defaults = new RecordingComponentFactory<>();
        new SatelliteLinkComponent(config(unset), unset, defaults);
        assertEquals("backup", defaults.only().get(LinkDriver.PROP_USAGE));
    }

    @Test
    void aBadUsageFailsBeforeAnyServiceIsMade() {
        Map<String, Object> cfg = geoCfg("sometimes");
        RecordingComponentFactory<SatelliteLinkService> factory = new RecordingComponentFactory<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SatelliteLinkComponent(config(cfg), cfg, factory));
        assertTrue(e.getMessage().contains("usage must be backup or always"), e.getMessage());
        assertTrue(factory.made().isEmpty());
    }
}
