package net.dtm.spi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StoreSelectionTest {

    private static Map<String, Object> type(Object t) {
        Map<String, Object> m = new HashMap<>();
        m.put("type", t);
        return m;
    }

    @Test
    void configuredTypeIsTrimmedLowerCaseAndEmptyWhenAbsent() {
        assertEquals("", StoreSelection.configuredType(null));
        assertEquals("", StoreSelection.configuredType(Map.of()));
        assertEquals("", StoreSelection.configuredType(type(null)));
        assertEquals("", StoreSelection.configuredType(type("  ")));
        assertEquals("zookeeper", StoreSelection.configuredType(type(" ZooKeeper ")));
    }

    @Test
    void aStoreServesWhenNamedAndTheDefaultAlsoWhenNothingIsNamed() {
        assertTrue(StoreSelection.selects(type("derby"), "derby", true));
        assertTrue(StoreSelection.selects(type(" Derby "), "derby", true));
        assertTrue(StoreSelection.selects(Map.of(), "derby", true));
        assertTrue(StoreSelection.selects(null, "derby", true));
        assertTrue(StoreSelection.selects(type(""), "derby", true));
        assertFalse(StoreSelection.selects(type("zookeeper"), "derby", true));
        assertFalse(StoreSelection.selects(type("zk"), "derby", true));

        assertTrue(StoreSelection.selects(type("zookeeper"), "zookeeper", false));
        assertFalse(StoreSelection.selects(Map.of(), "zookeeper", false), "not the default");
        assertFalse(StoreSelection.selects(type("derby"), "zookeeper", false));
        assertFalse(StoreSelection.selects(type("zk"), "zookeeper", false));
    }
}
