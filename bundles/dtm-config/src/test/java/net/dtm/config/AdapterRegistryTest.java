package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.config.AdapterInfo;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.VendorAdapter;

class AdapterRegistryTest {

    private final AdapterRegistry registry = new AdapterRegistry();

    @Test
    void requireNamesTheEndAndWhatTheDeviceIsWhenNoAdapterServesIt() {
        FakeAdapter a = adapter();
        registry.add(a, props("fake"));
        assertSame(a, registry.require("dtm0", target("fake", "", "")));
        net.dtm.api.DtmException e = assertThrows(net.dtm.api.DtmException.class,
                () -> registry.require("dtm0", target("cisco-ios", "ISR4331", "17.3")));
        assertEquals(net.dtm.api.DtmException.Reason.BAD_REQUEST, e.reason());
        assertEquals("no adapter serves dtm0 (vendor cisco-ios, model ISR4331, OS 17.3)", e.getMessage());
    }

    @Test
    void vendorMustMatch() {
        FakeAdapter a = adapter();
        registry.add(a, props("fake"));
        assertSame(a, registry.select(target("FAKE", "", "")).orElseThrow());
        assertEquals(Optional.empty(), registry.select(target("linux", "", "")));
    }

    @Test
    void modelGlobsAsStringOrArray() {
        FakeAdapter isr = adapter();
        FakeAdapter any = adapter();
        Map<String, Object> p = props("cisco-ios");
        p.put(VendorAdapter.PROP_MODELS, new String[] {"ISR4?3*", "C11??"});
        p.put(AdapterRegistry.SERVICE_RANKING, 10);
        registry.add(isr, p);
        registry.add(any, props("cisco-ios"));
        assertSame(isr, registry.select(target("cisco-ios", "isr4331", "")).orElseThrow());
        assertSame(isr, registry.select(target("cisco-ios", "C1111", "")).orElseThrow());
        assertSame(any, registry.select(target("cisco-ios", "ISR4221", "")).orElseThrow());
        assertSame(any, registry.select(target("cisco-ios", "", "")).orElseThrow(), "an unknown model matches no pattern");
        Map<String, Object> single = props("mikrotik");
        single.put(VendorAdapter.PROP_MODELS, "RB*");
        FakeAdapter rb = adapter();
        registry.add(rb, single);
        assertSame(rb, registry.select(target("mikrotik", "RB5009", "")).orElseThrow());
        assertEquals(Optional.empty(), registry.select(target("mikrotik", "CCR2004", "")));
    }

    @Test
    void anUnknownModelOrVersionFallsBackToTheVendorsRestrictedAdapter() {
        FakeAdapter v7 = adapter();
        Map<String, Object> p = props("mikrotik");
        p.put(VendorAdapter.PROP_OS_VERSIONS, "7.");
        p.put(VendorAdapter.PROP_MODELS, "RB*");
        registry.add(v7, p);
        assertSame(v7, registry.select(target("mikrotik", "", "")).orElseThrow(), "only the vendor named: its adapter");
        assertSame(v7, registry.select(target("mikrotik", "RB5009", "")).orElseThrow(), "version unknown");
        assertEquals(Optional.empty(), registry.select(target("mikrotik", "RB5009", "6.49")), "a version it does not serve");
        assertEquals(Optional.empty(), registry.select(target("mikrotik", "CCR2004", "")), "a model it does not serve");
        FakeAdapter generic = adapter();
        registry.add(generic, props("mikrotik"));
        assertSame(generic, registry.select(target("mikrotik", "", "")).orElseThrow(),
                "an adapter that serves every version is preferred for an unknown one");
    }

    @Test
    void osVersionPrefixes() {
        FakeAdapter v17 = adapter();
        Map<String, Object> p = props("cisco-ios");
        p.put(VendorAdapter.PROP_OS_VERSIONS, List.of("17.", "16.12"));
        registry.add(v17, p);
        assertSame(v17, registry.select(target("cisco-ios", "x", "17.9.4")).orElseThrow());
        assertSame(v17, registry.select(target("cisco-ios", "x", "16.12.1")).orElseThrow());
        assertEquals(Optional.empty(), registry.select(target("cisco-ios", "x", "15.2")));
    }

    @Test
    void highestRankingThenLowestServiceId() {
        FakeAdapter low = adapter();
        FakeAdapter high = adapter();
        FakeAdapter older = adapter();
        registry.add(low, with(props("fake"), 0, 5L));
        registry.add(high, with(props("fake"), 5, 9L));
        registry.add(older, with(props("fake"), 5, 7L));
        assertSame(older, registry.select(target("fake", "", "")).orElseThrow());
        assertTrue(registry.remove(older));
        assertSame(high, registry.select(target("fake", "", "")).orElseThrow());
        assertFalse(registry.remove(older));
    }

    @Test
    void adaptersDescribeThemselves() {
        FakeAdapter a = adapter().withCommitConfirm();
        Map<String, Object> p = with(props("fake"), 3, 1L);
        p.put(VendorAdapter.PROP_MODELS, "m*");
        p.put(AdapterRegistry.PROP_BUNDLE, "net.dtm.vendor.fake 1.0.0");
        registry.add(a, p);
        registry.add(adapter().withoutWireGuard(), props("another"));
        List<AdapterInfo> infos = registry.adapters();
        assertEquals(List.of("another", "fake"), infos.stream().map(AdapterInfo::vendor).toList());
        AdapterInfo fake = infos.get(1);
        assertEquals(new AdapterInfo("fake", List.of("m*"), List.of(), List.of("TunnelInterfaceBehaviour",
                "AddressingBehaviour", "RouteBehaviour", "LinkSettingsBehaviour", "WireGuardPeerBehaviour",
                "CommitConfirmBehaviour"), "net.dtm.vendor.fake 1.0.0", 3), fake);
        assertFalse(infos.get(0).behaviours().contains("WireGuardPeerBehaviour"));
    }

    @Test
    void missingVendorOrMalformedListsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.add(adapter(), Map.of()));
        assertTrue(e.getMessage().contains("has no dtm.vendor service property"), e.getMessage());
        Map<String, Object> p = props("fake");
        p.put(VendorAdapter.PROP_MODELS, 42);
        e = assertThrows(IllegalArgumentException.class, () -> registry.add(adapter(), p));
        assertEquals("service property dtm.vendor.models must be a string or strings, got Integer", e.getMessage());
    }

    @Test
    void addingTheSameAdapterAgainReplacesIt() {
        FakeAdapter a = adapter();
        registry.add(a, props("fake"));
        registry.add(a, props("other"));
        assertEquals(List.of("other"), registry.adapters().stream().map(AdapterInfo::vendor).toList());
    }

    private static FakeAdapter adapter() {
        return new FakeAdapter(new FakeDevice());
    }

    private static Map<String, Object> props(String vendor) {
        Map<String, Object> p = new HashMap<>();
        p.put(VendorAdapter.PROP_VENDOR, vendor);
        return p;
    }

    private static Map<String, Object> with(Map<String, Object> p, int ranking, long id) {
        p.put(AdapterRegistry.SERVICE_RANKING, ranking);
        p.put(AdapterRegistry.SERVICE_ID, id);
        return p;
    }

    private static DeviceTarget target(String vendor, String model, String os) {
        return new DeviceTarget(vendor, model, os, "", 0, "", Optional.empty(), Map.of());
    }
}
