package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

class TunnelProbeTest {

    @TempDir
    Path dir;

    private static final TunnelIntent V4 = Samples.intent("dtm0", TunnelType.VXLAN, "192.0.2.1", "192.0.2.2", 4789, 42, "10.9.0.1", 30,
            "10.9.0.2", 1400);

    @Test
    void anAnswerIsTrueAndTheDeadlineIsRoundedUpToSeconds() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.ok("ip netns exec ns1 ping", "1 received");
        assertTrue(new TunnelProbe(f.host(Optional.of("ns1"))).probe(V4, Duration.ofMillis(2500)));
        assertEquals(List.of("ip netns exec ns1 ping -c 1 -w 3 -i 0.2 -I dtm0 10.9.0.2"), f.runner.lines());
        assertEquals(Duration.ofSeconds(8), f.runner.commands.get(0).timeout(), "ping's deadline plus slack");
    }

    @Test
    void noAnswerIsFalseAndIpv6UsesMinus6() throws Exception {
        Fixture f = new Fixture(dir);
        f.runner.fail("ping", 1, "");
        TunnelIntent v6 = Samples.intent("dtm6", TunnelType.VXLAN, "fd00:77::1", "fd00:77::2", 4789, 7, "fd00:99::1", 64,
                "fd00:99::2", 1400);
        assertFalse(new TunnelProbe(f.host()).probe(v6, Duration.ofMillis(100)));
        assertEquals(List.of("ping -6 -c 1 -w 1 -i 0.2 -I dtm6 fd00:99::2"), f.runner.lines());
    }

    @Test
    void pingErrorsAreChannelFailuresWithItsText() {
        Fixture f = new Fixture(dir);
        f.runner.fail("ping", 2, "ping: SO_BINDTODEVICE dtm0: No such device\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new TunnelProbe(f.host()).probe(V4, Duration.ofSeconds(1)));
        assertFalse(e.rejected());
        assertEquals("ping -c 1 -w 1 -i 0.2 -I dtm0 10.9.0.2 failed in this host (exit 2): ping: SO_BINDTODEVICE dtm0: No such device",
                e.getMessage());
    }

    @Test
    void missingPingSaysWhatToInstall() {
        Fixture f = new Fixture(dir);
        f.missing.add("ping");
        ConfigException e = assertThrows(ConfigException.class, () -> new TunnelProbe(f.host()).probe(V4, Duration.ofSeconds(1)));
        assertEquals("ping not found: install iputils-ping", e.getMessage());
    }

    @Test
    void anIntentWithoutPeerCannotBeProbed() {
        Fixture f = new Fixture(dir);
        TunnelIntent none = Samples.intent("dtm0", TunnelType.GRE, "192.0.2.1", "192.0.2.2", 0, 0, "10.9.0.1", 30, "0.0.0.0", 1400);
        ConfigException e = assertThrows(ConfigException.class, () -> new TunnelProbe(f.host()).probe(none, Duration.ofSeconds(1)));
        assertTrue(e.rejected());
        assertEquals("intent dtm0 has no peer inner address to probe", e.getMessage());
        assertEquals(List.of(), f.runner.lines());
    }
}
