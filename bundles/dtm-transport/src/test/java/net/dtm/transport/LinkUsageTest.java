package net.dtm.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import net.dtm.spi.link.LinkDriver;

class LinkUsageTest {

    @Test
    void readsTheSpiPropertyAndValues() {
        assertEquals("dtm.link.usage", LinkUsage.PROPERTY);
        assertEquals(LinkDriver.PROP_USAGE, LinkUsage.PROPERTY);
        assertEquals(LinkUsage.ALWAYS, LinkUsage.parse(LinkDriver.USAGE_ALWAYS));
        assertEquals(LinkUsage.BACKUP, LinkUsage.parse(LinkDriver.USAGE_BACKUP));
        assertEquals(LinkDriver.USAGE_ALWAYS, LinkUsage.ALWAYS.label());
        assertEquals(LinkDriver.USAGE_BACKUP, LinkUsage.BACKUP.label());
    }

    @Test
    void absentOrBlankIsAlwaysAndCaseAndSpacesDoNotMatter() {
        assertEquals(LinkUsage.ALWAYS, LinkUsage.parse(""));
        assertEquals(LinkUsage.ALWAYS, LinkUsage.parse("  "));
        assertEquals(LinkUsage.BACKUP, LinkUsage.parse(" BACKUP "));
    }

    @Test
    void anythingElseFailsNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinkUsage.parse("other"));
        assertEquals("dtm.link.usage 'other' is neither always nor backup", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinkUsage.parse(Boolean.TRUE));
    }
}
