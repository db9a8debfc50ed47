package net.dtm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;

import net.dtm.api.DeviceId;
import net.dtm.protocol.ProtocolException.Kind;

/** Round trips of the enrolment exchange at the codec level: requests with a token or as a key fetch, every reply. */
class EnrolCodecTest {

    static final DeviceId DEVICE = DeviceId.of("bus-0042.depot-north");
    static final SecureRandom RANDOM = new SecureRandom();
    static final EnrolmentToken TOKEN = EnrolmentToken.generate(RANDOM);
    static final RouterKeyPair ROUTER = RouterKeyPair.generate();
    static final byte[] DEVICE_KEY = Samples.key(42);

    @Test
    void aSignedRequestRoundTrips() throws Exception {
        byte[] d = EnrolCodec.encodeRequest(DEVICE, 0x1234_5678_9abc_def0L, 77, ROUTER, TOKEN);
        Header h = Codec.peek(d);
        assertEquals(new Header(4, MessageType.ENROL, Direction.TO_SERVER, DEVICE, 0x1234_5678_9abc_def0L, 77), h);
        ReceivedEnrol got = EnrolCodec.decodeRequest(d);
        assertEquals(new EnrolRequest(DEVICE, 0x1234_5678_9abc_def0L, 77, TOKEN.id(), TOKEN.publicKey(), ROUTER.publicKey()),
                got.request());
        assertFalse(got.request().keyFetch());
        assertTrue(got.signatureVerifies());
        assertArrayEquals(TOKEN.verifier(), EnrolmentToken.verifierOf(got.request().enrolPublicKey()));
    }

    @Test
    void aKeyFetchRoundTripsAndNeverVerifies() throws Exception {
        byte[] d = EnrolCodec.encodeRequest(DEVICE, 5, 6, ROUTER, null);
        ReceivedEnrol got = EnrolCodec.decodeRequest(d);
        assertEquals(new EnrolRequest(DEVICE, 5, 6, "", new byte[0], ROUTER.publicKey()), got.request());
        assertTrue(got.request().keyFetch());
        assertFalse(got.signatureVerifies());
    }

    @Test
    void everyReplyRoundTripsToTheRouter() throws Exception {
        EnrolRequest sent = EnrolCodec.decodeRequest(EnrolCodec.encodeRequest(DEVICE, 9, 1, ROUTER, TOKEN)).request();
        for (EnrolReply reply : new EnrolReply[] {
                EnrolReply.granted(DEVICE_KEY, "demo", true), EnrolReply.granted(DEVICE_KEY, "", false),
                EnrolReply.granted(DEVICE_KEY, "p".repeat(64), false), EnrolReply.refused(), EnrolReply.tryLater()}) {
            byte[] d = EnrolCodec.encodeReply(sent, 1000, reply, TOKEN.replyKey());
            assertEquals(new Header(4, MessageType.ENROL_REPLY, Direction.TO_DEVICE, DEVICE, 9, 1000), Codec.peek(d));
            assertEquals(reply, EnrolCodec.decodeReply(d, sent, ROUTER, TOKEN.replyKey()));
            assertEquals(reply, EnrolCodec.decodeReply(d, sent, ROUTER, TOKEN.replyKey()), "the same reply read twice (two links)");
        }
    }

    @Test
    void theSealedCodecRefusesTheEnrolmentTypes() {
        byte[] d = EnrolCodec.encodeRequest(DEVICE, 5, 6, ROUTER, TOKEN);
        ProtocolException ex = assertThrows(ProtocolException.class, () -> Codec.decode(d, DEVICE_KEY));
        assertEquals(Kind.MALFORMED, ex.kind());
        assertTrue(ex.getMessage().contains("EnrolCodec"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Ack(MessageType.ENROL));
    }
}
