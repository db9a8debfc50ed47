package net.dtm.spi.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Hashtable;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LinkServicePropertiesTest {

    @Test
    void theConfigurationsKeysWithoutTheFrameworksPlusIdAndKind() {
        Hashtable<String, Object> p = LinkServiceProperties.of(Map.of("link.id", "geo", "usage", "backup",
                "service.pid", "net.dtm.link.satellite~geo", "service.factoryPid", "net.dtm.link.satellite",
                "component.name", "c", "component.id", 3L, "felix.fileinstall.filename", "file:/etc/x.cfg"),
                "geo", "satellite");
        assertEquals(Map.of("link.id", "geo", "usage", "backup", LinkDriver.PROP_LINK_ID, "geo",
                LinkDriver.PROP_LINK_KIND, "satellite"), p);
    }

    @Test
    void theSpiPropertiesWinOverTheConfigurations() {
        assertEquals("a", LinkServiceProperties.of(Map.of(LinkDriver.PROP_LINK_ID, "b"), "a", "lte")
                .get(LinkDriver.PROP_LINK_ID));
    }

    @Test
    void aStrayUsageInTheConfigurationIsNotPublished() {
        Hashtable<String, Object> p = LinkServiceProperties.of(Map.of("link.id", "lte", LinkDriver.PROP_USAGE,
                LinkDriver.USAGE_BACKUP), "lte", "lte");
        assertEquals(Map.of("link.id", "lte", LinkDriver.PROP_LINK_ID, "lte", LinkDriver.PROP_LINK_KIND, "lte"), p);
    }

    @Test
    void aBlankIdOrAnInvalidLabelIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LinkServiceProperties.of(Map.of(), " ", "lte"));
        assertThrows(IllegalArgumentException.class, () -> LinkServiceProperties.of(Map.of(), "a", "Dial Up"));
    }
}
