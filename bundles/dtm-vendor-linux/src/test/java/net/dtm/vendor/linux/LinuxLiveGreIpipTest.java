package net.dtm.vendor.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * GRE (with and without key, IPv4 and IPv6 outer) and IPIP built for real at both ends. Skipped, with
 * the adapter's own check() sentence as the reason, where the kernel lacks the module (as on the
 * machine these tests were written on: no ip_gre, ip6_gre, ipip or ip6_tunnel).
 */
class LinuxLiveGreIpipTest {

    private final VendorAdapter adapter = new LinuxAdapter();
    private LiveNetwork net;

    @BeforeEach
    void network() {
        LiveNetwork.assumeAvailable();
        LiveNetwork.assumeInstalled("ping");
        net = LiveNetwork.create();
    }

    @AfterEach
    void cleanUp() {
        if (net != null) {
            net.close();
        }
    }

    @ParameterizedTest(name = "{0} key {1} over IPv{2}")
    @CsvSource({"GRE,42,4", "GRE,0,4", "GRE,7,6", "IPIP,0,4", "IPIP,0,6"})
    void builtPingedReadBackAndDeleted(TunnelType type, long key, int outerFamily) throws Exception {
        boolean v6 = outerFamily == 6;
        String la = v6 ? net.outer6A() : net.outerA();
        String lb = v6 ? net.outer6B() : net.outerB();
        TunnelIntent a = Samples.intent("dtmg0", type, la, lb, 0, key, "10.212.0.1", 30, "10.212.0.2", 1400, "10.213.0.0/16");
        TunnelIntent b = Samples.intent("dtmg0", type, lb, la, 0, key, "10.212.0.2", 30, "10.212.0.1", 1400, "10.214.0.0/16");
        try (ConfigSession sa = adapter.open(LiveNetwork.target(net.nsA)); ConfigSession sb = adapter.open(LiveNetwork.target(net.nsB))) {
            List<String> problems = sa.check(a);
            String lacking = problems.stream().filter(p -> p.startsWith("the kernel lacks")).findFirst().orElse("");
            assumeTrue(lacking.isEmpty(), "kernel lacks ip_gre/ipip: " + lacking);
            assertEquals(List.of(), problems);
            assertEquals(List.of(), Render.tunnels(adapter).validate(a));
            sa.apply(Render.build(adapter, a));
            sb.apply(Render.build(adapter, b));
            assertEquals(Optional.of(a), sa.read("dtmg0", TunnelIntent.Role.DEVICE));
            assertEquals(Optional.of(b), sb.read("dtmg0", TunnelIntent.Role.DEVICE));
            assertTrue(sa.probe(a, Duration.ofSeconds(5)));
            sa.apply(Render.tunnels(adapter).delete("dtmg0"));
            assertEquals(Optional.empty(), sa.read("dtmg0", TunnelIntent.Role.DEVICE));
        }
    }
}
