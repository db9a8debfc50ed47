package net.dtm.link.cellular;

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

/** From an operator's etc/net.dtm.link.cellular-*.cfg to the published link service, as DS wires it. */
class CellularLinkWiringTest {

    /** The example of the feature file, etc/net.dtm.link.cellular-lte.cfg, as Configuration Admin delivers it. */
    static Map<String, Object> lteCfg() {
        return new HashMap<>(ComponentConfig.delivered(CellularLinkComponent.PID, "lte", Map.of("link.id", "lte",
                "kind", "lte", "interface", "wwan0", "port", "0", "mtu", "1400", "poll.ms", "500")));
    }

    private static CellularLinkComponent.Config config(Map<String, ?> properties) {
        return ComponentConfig.of(CellularLinkComponent.Config.class, properties);
    }

    @Test
    void aCfgFileBecomesOneServiceWithTheSpiPropertiesThatReadsTheSameSettings() {
        Map<String, Object> cfg = lteCfg();
        RecordingComponentFactory<CellularLinkService> factory = new RecordingComponentFactory<>();
        CellularLinkComponent component = new CellularLinkComponent(config(cfg), cfg, factory);
        Map<String, Object> props = factory.only();
        assertEquals("lte", props.get(LinkDriver.PROP_LINK_ID));
        assertEquals("lte", props.get(LinkDriver.PROP_LINK_KIND));
        assertFalse(props.containsKey(LinkDriver.PROP_USAGE), "a cellular link is used always");
        assertFalse(props.keySet().stream().anyMatch(k -> k.startsWith("service.") || k.startsWith("component.")
                || k.startsWith("felix.")), props.toString());
        assertEquals(new InterfaceLinkSettings("lte", LinkKind.LTE, "wwan0", 0, 1400, 500, false),
                CellularLinkComponent.settings(config(props)));
        component.deactivate();
        assertEquals(1, factory.disposed());
    }

    @Test
    void aBadConfigurationFailsBeforeAnyServiceIsMade() {
        Map<String, Object> cfg = lteCfg();
        cfg.put("kind", "satellite");
        RecordingComponentFactory<CellularLinkService> factory = new RecordingComponentFactory<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CellularLinkComponent(config(cfg), cfg, factory));
        assertTrue(e.getMessage().contains("kind must be 5g or lte"), e.getMessage());
        assertTrue(factory.made().isEmpty());
    }
}
