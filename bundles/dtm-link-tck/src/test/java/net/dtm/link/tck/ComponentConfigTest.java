package net.dtm.link.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ComponentConfigTest {

    @interface Config {
        String link_id();

        String interface$() default "wwan0";

        int port() default 0;

        long poll_ms() default 500;

        double loss_percent() default 1.5;

        boolean metered() default true;

        String dash$_$name() default "";

        String under__score() default "";

        boolean flag();
    }

    @Test
    void namesMapAsDeclarativeServicesMapsThem() {
        assertEquals("link.id", ComponentConfig.propertyName("link_id"));
        assertEquals("interface", ComponentConfig.propertyName("interface$"));
        assertEquals("dash-name", ComponentConfig.propertyName("dash$_$name"));
        assertEquals("under_score", ComponentConfig.propertyName("under__score"));
        assertEquals("a$b", ComponentConfig.propertyName("a$$b"));
    }

    @Test
    void stringsFromACfgFileAreConvertedAndAbsentKeysGiveDefaults() {
        Config c = ComponentConfig.of(Config.class, Map.of("link.id", "lte", "port", " 47900 ", "poll.ms", "250",
                "loss.percent", "0", "metered", "false", "dash-name", "d", "under_score", "u"));
        assertEquals("lte", c.link_id());
        assertEquals("wwan0", c.interface$());
        assertEquals(47900, c.port());
        assertEquals(250L, c.poll_ms());
        assertEquals(0.0, c.loss_percent());
        assertFalse(c.metered());
        assertEquals("d", c.dash$_$name());
        assertEquals("u", c.under__score());
        assertEquals(Config.class, c.annotationType());
        assertTrue(c.toString().contains("link.id=lte"), c.toString());
    }

    @Test
    void typedValuesPassAndMissingValuesWithoutDefaultAreNullOrZero() {
        Config c = ComponentConfig.of(Config.class, Map.of("port", 7, "metered", Boolean.FALSE));
        assertEquals(7, c.port());
        assertFalse(c.metered());
        assertNull(c.link_id());
        assertFalse(c.flag());
        assertThrows(NumberFormatException.class, () -> ComponentConfig.of(Config.class, Map.of("port", "x")).port());
    }

    @Test
    void deliveredPropertiesAreTheFileAndTheFrameworksKeys() {
        Map<String, Object> p = ComponentConfig.delivered("net.dtm.link.x", "a", Map.of("link.id", "a"));
        assertEquals("a", p.get("link.id"));
        assertEquals("net.dtm.link.x", p.get("service.factoryPid"));
        assertEquals("net.dtm.link.x~a", p.get("service.pid"));
        assertTrue(p.containsKey("felix.fileinstall.filename") && p.containsKey("component.name") && p.containsKey("component.id"));
    }
}
