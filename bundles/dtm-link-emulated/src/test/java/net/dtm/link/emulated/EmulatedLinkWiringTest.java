package net.dtm.link.emulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import net.dtm.link.tck.ComponentConfig;
import net.dtm.link.tck.RecordingComponentFactory;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkKind;

/** From an operator's etc/net.dtm.link.emulated-*.cfg to the published link service, as DS wires it. */
class EmulatedLinkWiringTest {

    /** The feature's etc/net.dtm.link.emulated-sat.cfg, as Configuration Admin delivers it. */
    static Map<String, Object> satCfg() {
        return new HashMap<>(ComponentConfig.delivered(EmulatedLinkComponent.PID, "sat", Map.of("link.id", "sat",
                "kind", "satellite", "rtt.ms", "600", "jitter.ms", "0", "loss.percent", "50", "seed", "0",
                "bind.host", "127.0.0.1")));
    }

    @Test
    void aCfgFileBecomesOneServiceWithTheSpiPropertiesAndItsOwnKeys() {
        Map<String, Object> cfg = satCfg();
        RecordingComponentFactory<EmulatedLinkService> factory = new RecordingComponentFactory<>();
        EmulatedLinkComponent component = new EmulatedLinkComponent(
                ComponentConfig.of(EmulatedLinkComponent.Config.class, cfg), cfg, factory);
        Map<String, Object> props = factory.only();
        assertEquals("sat", props.get(LinkDriver.PROP_LINK_ID));
        assertEquals("satellite", props.get(LinkDriver.PROP_LINK_KIND));
        assertEquals("600", props.get("rtt.ms"));
        assertFalse(props.keySet().stream().anyMatch(k -> k.startsWith("service.") || k.startsWith("component.")
                || k.startsWith("felix.")), props.toString());

        // The service reads the same settings back from its properties.
        assertEquals(EmulatedLinkComponent.settings(ComponentConfig.of(EmulatedLinkComponent.Config.class, cfg)),
                EmulatedLinkComponent.settings(ComponentConfig.of(EmulatedLinkComponent.Config.class, props)));
        assertEquals(LinkKind.SATELLITE,
                EmulatedLinkComponent.settings(ComponentConfig.of(EmulatedLinkComponent.Config.class, props)).kind());

        component.deactivate();
        assertEquals(1, factory.disposed());
    }

    @Test
    void aBadConfigurationFailsBeforeAnyServiceIsMade() {
        Map<String, Object> cfg = satCfg();
        cfg.put("kind", "pigeon");
        RecordingComponentFactory<EmulatedLinkService> factory = new RecordingComponentFactory<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EmulatedLinkComponent(
                ComponentConfig.of(EmulatedLinkComponent.Config.class, cfg), cfg, factory));
        assertTrue(e.getMessage().contains("pigeon"), e.getMessage());
        assertTrue(factory.made().isEmpty());
    }
}
