package net.dtm.server.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import net.dtm.api.DeviceId;
import net.dtm.protocol.EnrolCodec;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.EnrolmentToken;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.RouterKeyPair;
import net.dtm.protocol.SequenceSource;
import net.dtm.protocol.Transactions;

/**
 * Plays a router's side of zero-touch enrolment in tests: its own X25519 key pair, ENROLs, replies opened
 * as a router does, under the token's reply key for an ENROL with a token and under the device key it
 * was last granted for a key fetch.
 */
final class TestRouter {

    final DeviceId id;
    final RouterKeyPair keys = RouterKeyPair.generate();
    private final SequenceSource sequences = new SequenceSource();
    private final Map<Long, byte[]> replyKeys = new ConcurrentHashMap<>();
    private volatile byte[] held = new byte[32];

    TestRouter(String id) {
        this.id = DeviceId.of(id);
    }

    /** A fresh ENROL with {@code token} (null: a key fetch). */
    byte[] enrol(EnrolmentToken token) {
        long transaction = Transactions.newId();
        if (token != null) {
            replyKeys.put(transaction, token.replyKey());
        }
        return EnrolCodec.encodeRequest(id, transaction, sequences.next(), keys, token);
    }

    /** The request in {@code datagram}, as the server decodes it. */
    static EnrolRequest request(byte[] datagram) {
        try {
            return EnrolCodec.decodeRequest(datagram).request();
        } catch (ProtocolException e) {
            throw new AssertionError("ENROL does not decode: " + e.kind(), e);
        }
    }

    /** The reply to {@code sent}, opened with this router's private key; a granted key is the one it holds from then on. */
    EnrolReply open(byte[] sent, byte[] reply) {
        EnrolRequest request = request(sent);
        try {
            EnrolReply opened = EnrolCodec.decodeReply(reply, request, keys,
                    request.keyFetch() ? held : replyKeys.get(request.transactionId()));
            if (opened.status() == EnrolReply.Status.GRANTED) {
                held = opened.deviceKey();
            }
            return opened;
        } catch (ProtocolException e) {
            throw new AssertionError("reply does not open: " + e.kind(), e);
        }
    }

    /** The same request as this router would send it, with {@code token}, in plain form (decision tests). */
    EnrolRequest plain(EnrolmentToken token) {
        return request(enrol(token));
    }
}
