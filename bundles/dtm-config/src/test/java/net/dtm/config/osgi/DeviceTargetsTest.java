package net.dtm.config.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.spi.config.DeviceTarget;

class DeviceTargetsTest {

    private static final Path ETC = Path.of("/opt/dtm/etc");

    @Test
    void localDeviceByDefault() {
        DeviceTarget t = DeviceTargets.from("net.dtm.config", " Linux ", "", "", "", 0, "", "", "", ETC);
        assertEquals(DeviceTarget.local("linux"), t);
        assertTrue(t.isLocal());
    }

    @Test
    void remoteDeviceWithRelativeSecretAndOptions() {
        DeviceTarget t = DeviceTargets.from("net.dtm.config", "cisco-ios", "ISR4331", "17.9", "10.0.0.5", 2222, "dtm",
                "dtm-secrets/r1", "tunnel.base=4000, netns = lab", ETC);
        assertEquals("10.0.0.5", t.host());
        assertEquals(2222, t.port());
        assertEquals("dtm", t.username());
        assertEquals(Optional.of(ETC.resolve("dtm-secrets/r1")), t.secretFile());
        assertEquals(Map.of("tunnel.base", "4000", "netns", "lab"), t.options());
    }

    @Test
    void mistakesNameTheKeyAndTheFix() {
        assertMessage(() -> DeviceTargets.from("net.dtm.config", "", "", "", "", 0, "", "", "", ETC), "vendor in etc/net.dtm.config.cfg is empty");
        assertMessage(() -> DeviceTargets.from("net.dtm.config", "mikrotik", "", "", "10.0.0.5", 0, "admin", "", "", ETC),
                "host in etc/net.dtm.config.cfg is 10.0.0.5 but username or secret.file is empty");
        assertMessage(() -> DeviceTargets.from("net.dtm.gateway", "linux", "", "", "", 0, "root", "", "", ETC),
                "username, secret.file or port in etc/net.dtm.gateway.cfg are set but host is empty");
        assertMessage(() -> DeviceTargets.from("net.dtm.config", "openwrt", "", "", "r1", 70000, "root", "s", "", ETC),
                "port in etc/net.dtm.config.cfg is 70000");
        assertMessage(() -> DeviceTargets.from("net.dtm.config", "openwrt", "", "", "r1", 22, "root", "s", "tunnel.base", ETC),
                "'tunnel.base' is not key=value");
        assertMessage(() -> DeviceTargets.from("net.dtm.config", "openwrt", "", "", "r1", 22, "root", "s", "a=1,a=2", ETC),
                "a is given twice");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
