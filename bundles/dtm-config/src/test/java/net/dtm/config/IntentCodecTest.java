package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

class IntentCodecTest {

    @Test
    void vxlanWithRoutesRoundTrips() {
        TunnelIntent i = Samples.routes(Samples.vxlan(), "10.0.0.0/8", "172.16.0.0/12");
        String line = IntentCodec.encode(i);
        assertEquals(i, IntentCodec.decode(line));
        assertFalse(line.contains("\n"));
        assertTrue(line.startsWith("v=1 name=dtm0 role=device type=vxlan local=192.0.2.10 remote=198.51.100.1 port=4789"),
                line);
    }

    @Test
    void ipv6RoundTripsInShortForm() {
        TunnelIntent i = Samples.ipv6Gre();
        String line = IntentCodec.encode(i);
        assertEquals(i, IntentCodec.decode(line));
        assertTrue(line.contains("local=2001:db8::10"), line);
        assertTrue(line.contains("routes=fd00:100::/48"), line);
    }

    @Test
    void wireGuardRoundTripsWithKeyFilePeerPortAndKeepalive() {
        TunnelIntent wg = Samples.of(TunnelType.WIREGUARD, "dtm1");
        assertEquals(wg, IntentCodec.decode(IntentCodec.encode(wg)));
    }

    @Test
    void textWithSpacesEqualsAndCommasRoundTrips() {
        TunnelIntent v = Samples.vxlan();
        TunnelIntent odd = new TunnelIntent("a.b_c-9", TunnelIntent.Role.GATEWAY, TunnelType.WIREGUARD, v.localOuter(),
                new InetSocketAddress(v.remoteOuter().getAddress(), 1), 0, v.innerAddress(), 16, v.peerInner(), List.of(),
                1400, Optional.of(new WireGuardKeys(Path.of("/etc/dtm keys/wg=1,ä.key"), Samples.PEER_KEY, 0)), 0);
        String line = IntentCodec.encode(odd);
        assertEquals(odd, IntentCodec.decode(line));
        assertFalse(line.contains("keys/wg=1,"), line);
    }

    @Test
    void noRoutesRoundTrips() {
        TunnelIntent i = Samples.routes(Samples.vxlan());
        assertEquals(i, IntentCodec.decode(IntentCodec.encode(i)));
    }

    @Test
    void malformedLinesSayWhatIsWrong() {
        String good = IntentCodec.encode(Samples.vxlan());
        assertMessage("missing 'mtu'", good.replace(" mtu=1400", ""));
        assertMessage("intent version 2 is not supported", good.replace("v=1", "v=2"));
        assertMessage("'local': '300.1.1.1' is not an IP address", good.replace("local=192.0.2.10", "local=300.1.1.1"));
        assertMessage("'key' is not a number", good.replace("key=100", "key=ten"));
        assertMessage("key 'mtu' appears twice", good + " mtu=1");
        assertMessage("unknown role 'router'", good.replace("role=device", "role=router"));
        assertMessage("unknown tunnel type 'ppp'", good.replace("type=vxlan", "type=ppp"));
        assertMessage("is not key=value", good + " garbage");
        assertMessage("truncated escape", good.replace("name=dtm0", "name=dtm0%4"));
        assertMessage("bad escape", good.replace("name=dtm0", "name=dtm%zz"));
        assertMessage("empty line", " ");
        assertMessage("host bits set", good.replace("routes=10.0.0.0/8", "routes=10.0.0.1/8"));
    }

    @Test
    void describeAndCodecAgreeOnAddresses() {
        TunnelIntent i = Samples.ipv6Gre();
        assertTrue(i.describe().contains("dtm6"));
        assertEquals(Cidr.parse("fd00:100::/48"), IntentCodec.decode(IntentCodec.encode(i)).routes().get(0));
    }

    private static void assertMessage(String fragment, String line) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IntentCodec.decode(line));
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
