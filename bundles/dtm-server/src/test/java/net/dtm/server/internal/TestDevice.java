package net.dtm.server.internal;

import java.security.SecureRandom;

import net.dtm.api.DeviceId;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.SequenceSource;
import net.dtm.protocol.Transactions;

/** Plays the agent's side of the protocol in tests. */
final class TestDevice {

    final DeviceId id;
    final byte[] key;
    private final SequenceSource sequences = new SequenceSource();

    TestDevice(String id) {
        this.id = DeviceId.of(id);
        this.key = new byte[32];
        new SecureRandom().nextBytes(key);
    }

    /** A device holding {@code key} (e.g. the one its enrolment granted). */
    TestDevice(DeviceId id, byte[] key) {
        this.id = id;
        this.key = key.clone();
    }

    byte[] request(Message body) {
        return request(Transactions.newId(), sequences.next(), body);
    }

    byte[] request(long txid, long sequence, Message body) {
        return Codec.encode(new Envelope(Direction.TO_SERVER, id, txid, sequence, body), key);
    }

    /** A request in wire version {@code version}. */
    byte[] request(int version, long txid, long sequence, Message body) {
        return Codec.encode(new Envelope(Direction.TO_SERVER, id, txid, sequence, body, version), key);
    }

    /** A version 2 request (data-plane fields). */
    byte[] requestV2(Message body) {
        return Codec.encode(new Envelope(Direction.TO_SERVER, id, Transactions.newId(), sequences.next(), body, 2), key);
    }

    long nextSequence() {
        return sequences.next();
    }

    Envelope open(byte[] answer) {
        try {
            return Codec.decode(answer, key);
        } catch (ProtocolException e) {
            throw new AssertionError("answer does not decode: " + e.kind(), e);
        }
    }
}
