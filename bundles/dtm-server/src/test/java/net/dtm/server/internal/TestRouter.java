package net.dtm.server.internal;

import net.dtm.api.DeviceId;
import net.dtm.protocol.EnrolCodec;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.RouterKeyPair;
import net.dtm.protocol.SequenceSource;
import net.dtm.protocol.Transactions;

/** Plays a router's side of zero-touch enrolment in tests: its own X25519 key pair, ENROLs, replies opened. */
final class TestRouter {

    final DeviceId id;
    final RouterKeyPair keys = RouterKeyPair.generate();
    private final SequenceSource sequences = new SequenceSource();

    TestRouter(String id) {
        this.id = DeviceId.of(id);
    }

    /** A fresh ENROL with {@code token} (null: a key fetch). */
    byte[] enrol(EnrolmentToken token) {
        return EnrolCodec.encodeRequest(id, Transactions.newId(), sequences.next(), keys, token);
    }

    /** The request in {@code datagram}, as the server decodes it. */
    static EnrolRequest request(byte[] datagram) {
        try {
            return EnrolCodec.decodeRequest(datagram).request();
        } catch (ProtocolException e) {
            throw new AssertionError("ENROL does not decode: " + e.kind(), e);
        }
    }

    /** The reply to {@code sent}, opened with this router's private key. */
    EnrolReply open(byte[] sent, byte[] reply) {
        try {
            return EnrolCodec.decodeReply(reply, request(sent), keys);
        } catch (ProtocolException e) {
            throw new AssertionError("reply does not open: " + e.kind(), e);
        }
    }

    /** The same request as this router would send it, with {@code token}, in plain form (decision tests). */
    EnrolRequest plain(EnrolmentToken token) {
        return request(enrol(token));
    }
}
