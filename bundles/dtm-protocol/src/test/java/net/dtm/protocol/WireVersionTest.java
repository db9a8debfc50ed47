package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.OuterPath;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;
import net.dtm.protocol.ProtocolException.Kind;

/**
 * Versions side by side: a v1 peer keeps working, v2 content never leaks into v1, version 4 carries every
 * sealed body exactly as version 3 does.
 */
class WireVersionTest {

    private static final byte[] KEY = Samples.key(7);
    private static final OuterPath PATH = new OuterPath("lte", Samples.sock("100.64.2.2", 0));

    @Test
    void aVersion1EncodingIsByteForByteTheOldLayout() throws Exception {
        Envelope v1 = Samples.toServer(1, new Renew("demo", Samples.ip("10.64.0.17"), 43));
        byte[] d = Codec.encode(v1, KEY);
        assertEquals(1, d[2]);
        Envelope back = Codec.decode(d, KEY);
        assertEquals(1, back.version());
        assertEquals(v1, back);
    }

    @Test
    void version2FieldsCannotBeSentInVersion1() {
        TunnelParameters p = Samples.params4();
        TunnelParameters keyed = new TunnelParameters(p.innerAddress(), p.prefixLength(), p.gateway(), p.serverEndpoint(),
                TunnelType.VXLAN, p.mtu(), p.keepaliveSeconds(), p.leaseSeconds(), p.serverNodeId(), 4242, "");
        for (Message m : List.of(
                new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty(), "", Optional.of(PATH)),
                new Params(keyed, "demo", 1, List.of()),
                new Renew("demo", Samples.ip("10.64.0.17"), 1, "node-a", Optional.empty()),
                new PathUpdate("demo", Samples.ip("10.64.0.17"), 1, PATH),
                new Ack(MessageType.PATH))) {
            Envelope e = new Envelope(Codec.directionOf(m.type()), Samples.DEVICE, 1, 1, m);
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Codec.encode(e, KEY), m.type().name());
            assertTrue(ex.getMessage().contains("version 2"), ex.getMessage());
        }
    }

    @Test
    void aPathBodyUnderAVersion1HeaderIsMalformed() throws Exception {
        // Encode as v2, then forge the version byte back to 1 and re-seal: the body is PATH under v1.
        Envelope v2 = Samples.v2(Samples.toServer(3, new PathUpdate("demo", Samples.ip("10.64.0.17"), 1, PATH)));
        byte[] d = Codec.encode(v2, KEY);
        d[2] = 1;
        ProtocolException ex = assertThrows(ProtocolException.class, () -> Codec.decode(d, KEY));
        // the version byte is authenticated: a flipped version fails authentication first
        assertEquals(Kind.AUTH_FAILED, ex.kind());
    }

    @Test
    void version4CarriesEverySealedBodyAsVersion3Does() throws Exception {
        for (Envelope e : Samples.all()) {
            Envelope v3 = new Envelope(e.direction(), e.device(), e.transactionId(), e.sequence(), e.body(), 3);
            Envelope v4 = new Envelope(e.direction(), e.device(), e.transactionId(), e.sequence(), e.body(), Codec.ENROL_VERSION);
            byte[] d3 = Codec.encode(v3, KEY);
            byte[] d4 = Codec.encode(v4, KEY);
            assertEquals(4, d4[2]);
            assertEquals(d3.length, d4.length, e.type().name());
            assertEquals(v4, Codec.decode(d4, KEY));
            // the same plaintext: open both and compare the bodies byte for byte
            int h = HeaderCodec.lengthOf(d3);
            org.junit.jupiter.api.Assertions.assertArrayEquals(DatagramCipher.open(d3, h, KEY), DatagramCipher.open(d4, h, KEY));
        }
    }

    @Test
    void unknownVersionIsRejectedBeforeAnythingElse() {
        byte[] d = Codec.encode(Samples.v2(Samples.toServer(4, new Confirm("demo", Samples.ip("10.64.0.17"), 1))), KEY);
        d[2] = 5;
        ProtocolException ex = assertThrows(ProtocolException.class, () -> Codec.peek(d));
        assertEquals(Kind.BAD_VERSION, ex.kind());
    }

    @Test
    void theTunnelKeyTravelsAsAnUnsigned32BitNumber() throws Exception {
        TunnelParameters p = Samples.params4();
        TunnelParameters keyed = new TunnelParameters(p.innerAddress(), p.prefixLength(), p.gateway(), p.serverEndpoint(),
                TunnelType.GRE, p.mtu(), p.keepaliveSeconds(), p.leaseSeconds(), p.serverNodeId(), 0x80000001L, "");
        Envelope e = Samples.v2(Samples.toDevice(5, new Params(keyed, "demo", 1, List.of())));
        Params back = (Params) Codec.decode(Codec.encode(e, KEY), KEY).body();
        assertEquals(0x80000001L, back.parameters().tunnelKey());
    }

    @Test
    void aWireGuardKeyLongerThan44BytesIsRefused() {
        Establish tooLong = new Establish(TunnelType.WIREGUARD, "", List.of(), Optional.empty(), "x".repeat(45), Optional.empty());
        assertThrows(IllegalArgumentException.class,
                () -> Codec.encode(Samples.v2(Samples.toServer(6, tooLong)), KEY));
    }
}
