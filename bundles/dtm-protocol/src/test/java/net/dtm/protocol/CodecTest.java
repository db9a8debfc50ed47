package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;
import net.dtm.protocol.ProtocolException.Kind;

class CodecTest {

    private static final byte[] KEY = Samples.key(1);

    static Stream<Envelope> envelopes() {
        return Samples.all().stream();
    }

    @ParameterizedTest
    @MethodSource("envelopes")
    void roundTripsEveryMessage(Envelope e) throws Exception {
        byte[] datagram = Codec.encode(e, KEY);

        assertTrue(datagram.length <= Codec.MAX_DATAGRAM);
        assertEquals(e, Codec.decode(datagram, KEY));
        Header h = Codec.peek(datagram);
        assertEquals(new Header(e.version(), e.type(), e.direction(), e.device(), e.transactionId(), e.sequence()), h);
    }

    @Test
    void coversEveryMessageType() {
        // every type sealed with a device key; ENROL and ENROL_REPLY are EnrolCodec's (EnrolCodecTest)
        assertEquals(Arrays.stream(MessageType.values()).filter(t -> !Codec.isEnrolment(t)).toList(),
                Samples.all().stream().map(Envelope::type).distinct().sorted().toList());
    }

    @Test
    void headerLayoutMatchesTheDocumentedTable() throws Exception {
        Envelope e = Samples.toServer(5, new Renew("demo", Samples.ip("10.64.0.17"), 43));
        byte[] d = Codec.encode(e, KEY);
        int l = Samples.DEVICE.bytes().length;

        assertEquals(0x44, d[0]);
        assertEquals(0x54, d[1]);
        assertEquals(1, d[2]);
        assertEquals(MessageType.RENEW.code(), d[3]);
        assertEquals(Direction.TO_SERVER.code(), d[4]);
        assertEquals(0, d[5]);
        assertEquals(l, d[6]);
        assertEquals(Samples.DEVICE.value(), new String(d, 7, l, StandardCharsets.US_ASCII));
        assertEquals(e.transactionId(), java.nio.ByteBuffer.wrap(d, 7 + l, 8).getLong());
        assertEquals(e.sequence(), java.nio.ByteBuffer.wrap(d, 15 + l, 8).getLong());
        // body: type(1) + pool(1+4) + address(1+4) + lease sequence(8) = 19, then the tag
        assertEquals(35 + l + 19 + 16, d.length);
    }

    @Test
    void eachEncodingUsesAFreshNonce() throws Exception {
        Envelope e = Samples.all().get(0);
        byte[] a = Codec.encode(e, KEY);
        byte[] b = Codec.encode(e, KEY);
        assertFalse(Arrays.equals(a, b));
        assertEquals(Codec.decode(a, KEY), Codec.decode(b, KEY));
    }

    @Test
    void theSameDatagramDecodesTwice() throws Exception {
        // a duplicate arriving over another link must decode again (answer from cache)
        byte[] d = Codec.encode(Samples.all().get(1), KEY);
        assertEquals(Codec.decode(d, KEY), Codec.decode(d, KEY));
    }

    @Test
    void wrongKeyIsAuthFailed() {
        byte[] d = Codec.encode(Samples.all().get(1), KEY);
        ProtocolException ex = assertThrows(ProtocolException.class, () -> Codec.decode(d, Samples.key(2)));
        assertEquals(Kind.AUTH_FAILED, ex.kind());
    }

    @Test
    void headerDirectionOrTypeChangedIsAuthFailed() throws Exception {
        byte[] d = Codec.encode(Samples.toServer(1, new Confirm("demo", Samples.ip("10.0.0.2"), 1)), KEY);

        byte[] reflected = d.clone();
        reflected[4] = (byte) Direction.TO_DEVICE.code();
        assertEquals(Direction.TO_DEVICE, Codec.peek(reflected).direction());
        assertEquals(Kind.AUTH_FAILED, assertThrows(ProtocolException.class, () -> Codec.decode(reflected, KEY)).kind());

        byte[] retyped = d.clone();
        retyped[3] = (byte) MessageType.RELEASE.code(); // same body layout: only the tag can tell
        assertEquals(Kind.AUTH_FAILED, assertThrows(ProtocolException.class, () -> Codec.decode(retyped, KEY)).kind());

        byte[] otherDevice = d.clone();
        otherDevice[7] = 'X';
        assertEquals(DeviceId.of("Xmr-0001.fleet:A_b"), Codec.peek(otherDevice).device());
        assertEquals(Kind.AUTH_FAILED, assertThrows(ProtocolException.class, () -> Codec.decode(otherDevice, KEY)).kind());
    }

    @Test
    void paramsWithSixteenIpv6ServersAndLongestFieldsFits() throws Exception {
        String longest64 = "n".repeat(64);
        TunnelParameters p = new TunnelParameters(Samples.ip("2001:db8:64::17"), 64, Samples.ip("2001:db8:64::1"),
                Samples.sock("2001:db8::10", 4789), TunnelType.VXLAN, 1400, 10, 3600, longest64);
        Envelope e = new Envelope(Direction.TO_DEVICE, DeviceId.of("d".repeat(64)), 1, 2,
                new Params(p, "p".repeat(64), 7, Samples.servers(16)));

        byte[] d = Codec.encode(e, KEY);
        assertEquals(624, d.length, "the largest PARAMS, as documented in wire-format.md");
        assertEquals(e, Codec.decode(d, KEY));
    }

    @Test
    void establishWithEightIpv6LinksFits() throws Exception {
        List<LinkAddress> links = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            links.add(new LinkAddress("l".repeat(31) + i, "k".repeat(16), Samples.sock("2001:db8::" + (i + 1), 40000 + i)));
        }
        Envelope e = new Envelope(Direction.TO_SERVER, DeviceId.of("d".repeat(64)), 1, 2,
                new Establish(TunnelType.VXLAN, "p".repeat(64), links, Optional.of(Samples.ip("2001:db8:64::17"))));
        byte[] d = Codec.encode(e, KEY);
        assertEquals(752, d.length, "the largest ESTABLISH, as documented in wire-format.md");
        assertEquals(e, Codec.decode(d, KEY));
    }

    @Test
    void encodeRejectsWhatTheWireCannotCarry() {
        TunnelParameters p = Samples.params4();
        // node id over 64 bytes: the message would be representable but breaks an enforced maximum
        TunnelParameters longNode = new TunnelParameters(p.innerAddress(), 16, p.gateway(), p.serverEndpoint(),
                p.type(), 1400, 10, 3600, "n".repeat(65));
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(
                Samples.toDevice(1, new Params(longNode, "demo", 1, List.of())), KEY));
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(
                Samples.toServer(1, new Confirm("p".repeat(65), Samples.ip("10.0.0.2"), 1)), KEY));
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(
                Samples.toServer(1, new Confirm("", Samples.ip("10.0.0.2"), 1)), KEY));
        // multi-byte characters count as bytes
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(
                Samples.toServer(1, new Establish(TunnelType.VXLAN, "ü".repeat(33), List.of(), Optional.empty())), KEY));
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(
                Samples.toDevice(1, new Params(p, "demo", 1, List.of(InetSocketAddress.createUnresolved("srv", 47800)))), KEY));
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(
                Samples.toDevice(1, new Params(p, "demo", 1, List.of(Samples.sock("10.0.0.1", 0)))), KEY));
    }

    @Test
    void encodeRejectsAMessageTravellingTheWrongWay() {
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(
                new Envelope(Direction.TO_DEVICE, Samples.DEVICE, 1, 1, new Renew("demo", Samples.ip("10.0.0.2"), 1)), KEY));
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(
                new Envelope(Direction.TO_SERVER, Samples.DEVICE, 1, 1, new Ack(MessageType.CONFIRM)), KEY));
    }

    @Test
    void encodeRejectsABadKey() {
        Envelope e = Samples.all().get(0);
        assertThrows(IllegalArgumentException.class, () -> Codec.encode(e, new byte[31]));
        assertThrows(NullPointerException.class, () -> Codec.encode(e, null));
        byte[] d = Codec.encode(e, KEY);
        assertThrows(IllegalArgumentException.class, () -> Codec.decode(d, new byte[33]));
    }

    @Test
    void longNakTextIsCutAtACharacterBoundary() throws Exception {
        String text = "x" + "é".repeat(150); // 1 + 300 bytes
        Envelope decoded = Codec.decode(Codec.encode(Samples.toDevice(1, new Nak(Reason.INTERNAL, text)), KEY), KEY);
        String got = ((Nak) decoded.body()).text();
        assertEquals(1 + 99 * 2, got.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(text.startsWith(got));
    }

    @Test
    void directionOfEveryType() {
        for (MessageType t : MessageType.values()) {
            Direction expected = switch (t) {
                case ESTABLISH, CONFIRM, RENEW, RELEASE, PATH, ENROL -> Direction.TO_SERVER;
                default -> Direction.TO_DEVICE;
            };
            assertEquals(expected, Codec.directionOf(t));
        }
    }

    @Test
    void concurrentEncodeAndDecodeFromManyThreads() throws Exception {
        List<Envelope> all = Samples.all();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int thread = t;
                results.add(pool.submit(() -> {
                    byte[] key = Samples.key(thread % 3);
                    int ok = 0;
                    for (int i = 0; i < 2_000; i++) {
                        Envelope e = all.get((i + thread) % all.size());
                        if (e.equals(Codec.decode(Codec.encode(e, key), key))) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(2_000, f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void protocolExceptionCarriesItsKind() {
        ProtocolException ex = new ProtocolException(Kind.OVERSIZED, "big");
        assertEquals(Kind.OVERSIZED, ex.kind());
        assertTrue(ex.getMessage().contains("OVERSIZED"));
        assertTrue(ex.getMessage().contains("big"));
    }
}
