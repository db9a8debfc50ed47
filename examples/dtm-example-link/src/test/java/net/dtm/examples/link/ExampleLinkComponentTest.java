package net.dtm.examples.link;

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

/** From a configuration (or none) to the published link service, as DS wires it. */
class ExampleLinkComponentTest {

    private static ExampleLinkComponent.Config config(Map<String, ?> properties) {
        return ComponentConfig.of(ExampleLinkComponent.Config.class, properties);
    }

    private static Map<String, Object> activate(Map<String, Object> properties) {
        RecordingComponentFactory<ExampleLinkService> factory = new RecordingComponentFactory<>();
        ExampleLinkComponent component = new ExampleLinkComponent(config(properties), properties, factory);
        component.deactivate();
        assertEquals(1, factory.disposed());
        return factory.only();
    }

    @Test
    void withoutConfigurationTheServiceIsEx1OnEthernet() {
        Map<String, Object> props = activate(Map.of());
        assertEquals("ex1", props.get(LinkDriver.PROP_LINK_ID));
        assertEquals("ethernet", props.get(LinkDriver.PROP_LINK_KIND));
    }

    @Test
    void aFactoryConfigurationNamesTheLinkAndItsKind() {
        Map<String, Object> props = activate(new HashMap<>(ComponentConfig.delivered(ExampleLinkComponent.PID, "wan2",
                Map.of("link.id", "wan2", "kind", "wifi", "bind.host", "127.0.0.1"))));
        assertEquals("wan2", props.get(LinkDriver.PROP_LINK_ID));
        assertEquals("wifi", props.get(LinkDriver.PROP_LINK_KIND));
        assertFalse(props.keySet().stream().anyMatch(k -> k.startsWith("service.") || k.startsWith("felix.")), props.toString());
        assertEquals(new UdpLinkSettings("wan2", LinkKind.WIFI, "127.0.0.1", 0, 1400), ExampleLinkComponent.settings(config(props)));
    }

    @Test
    void aKindTheSpiDoesNotNameIsPublishedAsItsLabelWithKindOther() {
        Map<String, Object> props = activate(Map.of("link.id", "sky", "kind", " Starlink "));
        assertEquals("starlink", props.get(LinkDriver.PROP_LINK_KIND));
        UdpLinkSettings s = ExampleLinkComponent.settings(config(props));
        assertEquals(LinkKind.OTHER, s.kind());
        assertEquals("starlink", s.kindLabel());
        assertEquals("5g", ExampleLinkComponent.kindLabel("FIVE_G"));
    }

    @Test
    void anEmptyIdOrAKindThatIsNoLabelFailsBeforeAnyServiceIsMade() {
        RecordingComponentFactory<ExampleLinkService> factory = new RecordingComponentFactory<>();
        Map<String, Object> noId = Map.of("link.id", " ");
        assertThrows(IllegalArgumentException.class, () -> new ExampleLinkComponent(config(noId), noId, factory));
        Map<String, Object> badKind = Map.of("kind", "dial up");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ExampleLinkComponent(config(badKind), badKind, factory));
        assertTrue(e.getMessage().contains("'dial up' is not a label"), e.getMessage());
        assertTrue(factory.made().isEmpty());
    }
}
