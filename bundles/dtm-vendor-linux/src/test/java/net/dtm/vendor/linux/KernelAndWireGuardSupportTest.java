package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;

class KernelAndWireGuardSupportTest {

    @TempDir
    Path dir;

    @Test
    void aModuleUnderSysModuleIsAvailableWithoutModprobe() throws Exception {
        Fixture f = new Fixture(dir).module("vxlan");
        assertTrue(new KernelModules(f.host(), f.files.sysModule()).available("vxlan"));
        assertEquals(List.of(), f.runner.lines());
    }

    @Test
    void modprobeDecidesOtherwiseAndAnswersAreKept() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("modprobe -n -q ip_gre", "").fail("modprobe -n -q ipip", 1, "");
        KernelModules m = new KernelModules(f.host(java.util.Optional.of("ns1")), f.files.sysModule());
        assertTrue(m.available("ip_gre"));
        assertFalse(m.available("ipip"));
        assertFalse(m.available("ipip"));
        assertEquals(List.of("modprobe -n -q ip_gre", "modprobe -n -q ipip"), f.runner.lines(), "on the host, once each");
    }

    @Test
    void withoutModprobeOnlySysModuleCounts() throws Exception {
        Fixture f = new Fixture(dir);
        f.missing.add("modprobe");
        assertFalse(new KernelModules(f.host(), f.files.sysModule()).available("ip_gre"));
    }

    @Test
    void moduleNamesPerTypeAndOuterFamily() {
        assertEquals("vxlan", TunnelKinds.module(TunnelType.VXLAN, true));
        assertEquals("ip_gre", TunnelKinds.module(TunnelType.GRE, false));
        assertEquals("ip6_gre", TunnelKinds.module(TunnelType.GRE, true));
        assertEquals("ipip", TunnelKinds.module(TunnelType.IPIP, false));
        assertEquals("ip6_tunnel", TunnelKinds.module(TunnelType.IPIP, true));
        assertEquals("wireguard", TunnelKinds.module(TunnelType.WIREGUARD, false));
    }

    @Test
    void wireGuardPrefersTheKernelThenUserSpace() throws Exception {
        Fixture kernel = new Fixture(dir.resolve("k")).module("wireguard").tun();
        assertEquals(WireGuardMode.KERNEL, support(kernel).mode());

        Fixture user = new Fixture(dir.resolve("u")).tun();
        user.runner.fail("modprobe", 1, "");
        WireGuardSupport s = support(user);
        assertEquals(WireGuardMode.USER_SPACE, s.mode());
        assertEquals(WireGuardMode.USER_SPACE, s.mode());
        assertEquals(1, user.runner.lines().size(), "probed once per session");

        Fixture noTun = new Fixture(dir.resolve("t"));
        noTun.runner.fail("modprobe", 1, "");
        assertEquals(WireGuardMode.MISSING, support(noTun).mode());

        Fixture nothing = new Fixture(dir.resolve("n")).tun();
        nothing.missing.add("wireguard-go");
        nothing.runner.fail("modprobe", 1, "");
        assertEquals(WireGuardMode.MISSING, support(nothing).mode());
    }

    private static WireGuardSupport support(Fixture f) {
        LinuxHost host = f.host();
        return new WireGuardSupport(host, new KernelModules(host, f.files.sysModule()), f.files.tunDevice());
    }
}
