package net.dtm.agent;

import static net.dtm.agent.AgentLog.LOG;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import net.dtm.api.DeviceId;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.SequenceSource;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.Reply;
import net.dtm.transport.ReplyMatcher;

/**
 * The device's side of one control exchange: puts a request in an envelope of this device (its next
 * sequence number, the wire version spoken), sends it to the servers asked over every link, and
 * recognises the authentic answers to it. Thread-safe.
 * <p>
 * <b>Resync.</b> An authentic NAK {@code stale-sequence} (wire version 3) to an outstanding request
 * says a server has already seen a sequence number at or above this one (the router's clock went
 * back since its last life, or a replay of it came first): the sequence source is moved above the
 * NAK's mark and the request sent again at once with a new number, in the same transaction, at
 * most {@value #MAX_RESYNCS} times per request. It is not a refusal: the request keeps waiting
 * for its answer.
 */
final class AgentExchange {

    /** Recognises the final answer to a request among its authentic answers. */
    @FunctionalInterface
    interface AnswerMatcher {
        /** @return the final answer, or null to keep waiting */
        Message match(Message answer, InetSocketAddress from);
    }

    /** Most resyncs of one request. */
    static final int MAX_RESYNCS = 4;

    private final DeviceId device;
    /** The device key: replaced when the router re-enrols. */
    private volatile byte[] key;
    private final MultiLinkTransport transport;
    private final SequenceSource sequence = new SequenceSource();
    /**
     * Version 3 by default: version 4 only adds ENROL (sent by {@link Enroller}, always in version 4);
     * its other messages are version 3's, which servers without enrolment also read.
     */
    private volatile int wireVersion = Codec.RESYNC_VERSION;

    AgentExchange(DeviceId device, byte[] key, MultiLinkTransport transport) {
        this.device = device;
        this.key = key.clone();
        this.transport = transport;
    }

    /**
     * Seals and opens with {@code newKey} from now on (a re-enrolled router's new key); answers to
     * requests in flight sealed with the old key are no longer recognised.
     */
    void setKey(byte[] newKey) {
        if (newKey.length != 32) {
            throw new IllegalArgumentException("device key must be 32 bytes, got " + newKey.length);
        }
        this.key = newKey.clone();
    }

    /** The wire version spoken: 1, or 2 (the default) with the data-plane fields. */
    int wireVersion() {
        return wireVersion;
    }

    /** @throws IllegalArgumentException for a version the codec does not speak */
    void setWireVersion(int version) {
        if (version < Codec.VERSION || version > Codec.MAX_VERSION) {
            throw new IllegalArgumentException("wire version " + version + " outside " + Codec.VERSION + ".." + Codec.MAX_VERSION);
        }
        this.wireVersion = version;
    }

    /** Sends {@code body} as transaction {@code tx}; a body that cannot be encoded fails the returned future. */
    CompletableFuture<Reply<Message>> request(long tx, List<InetSocketAddress> targets, Message body,
                                              AnswerMatcher matcher, Duration timeout) {
        try {
            Outstanding out = new Outstanding(tx, targets, body, wireVersion);
            byte[] first = out.encodeNext();
            ReplyMatcher<Message> replies = (d, from) -> {
                Message m = decodeAnswer(d, tx);
                if (m instanceof Nak nak && nak.isResync()) {
                    out.resync(nak.sequenceMark());
                    return null;
                }
                return m == null ? null : matcher.match(m, from);
            };
            return transport.request(tx, targets, first, replies, timeout);
        } catch (RuntimeException ex) {
            // a message that cannot be encoded fails this request (and is retried like any failure),
            // never the agent's timers
            LOG.error("cannot send {}: device={} error={}", body.type(), device, ex.getMessage());
            return CompletableFuture.failedFuture(ex);
        }
    }

    /**
     * Asks every target (FSF): completes with the first PARAMS, or with a NAK once every target
     * refused ({@code naks}) or at once for a {@code decisive} refusal.
     */
    CompletableFuture<Reply<Message>> requestParams(long tx, List<InetSocketAddress> targets, Message body,
                                                    NakCollector naks, Predicate<Nak> decisive, Duration timeout) {
        AnswerMatcher matcher = (m, from) -> {
            if (m instanceof Params) {
                return m;
            }
            if (m instanceof Nak nak) {
                return decisive.test(nak) || naks.record(from, nak) ? nak : null;
            }
            return null;
        };
        return request(tx, targets, body, matcher, timeout);
    }

    /** Accepts the ACK or NAK answering {@code tx}. */
    AnswerMatcher ackOrNak(long tx) {
        return (m, from) -> m instanceof Ack || m instanceof Nak ? m : null;
    }

    /** The current sequence number of this device's source (tests). */
    long lastSequence() {
        return sequence.last();
    }

    /** One request in flight: what is needed to send it again above a server's mark. */
    private final class Outstanding {
        private final long tx;
        private final List<InetSocketAddress> targets;
        private final Message body;
        private final int version;
        private long lastSent;
        private int resyncs;

        Outstanding(long tx, List<InetSocketAddress> targets, Message body, int version) {
            this.tx = tx;
            this.targets = targets;
            this.body = body;
            this.version = version;
        }

        synchronized byte[] encodeNext() {
            lastSent = sequence.next();
            return Codec.encode(new Envelope(Direction.TO_SERVER, device, tx, lastSent, body, version), key);
        }

        /**
         * A server says it has seen up to {@code mark}: if that is above the last number this
         * request went out with (a refusal of that copy always names a higher mark), continue above
         * it and send again. A mark not above it answers an earlier copy and is ignored, as is every
         * NAK after {@value #MAX_RESYNCS} resyncs.
         */
        void resync(long mark) {
            byte[] again;
            long number;
            synchronized (this) {
                if (mark <= lastSent || resyncs >= MAX_RESYNCS || mark == Long.MAX_VALUE) {
                    return;
                }
                resyncs++;
                sequence.advancePast(mark);
                again = encodeNext();
                number = lastSent;
            }
            LOG.info("sequence resync: device={} {} sent again as {} (a server had seen up to {})", device, body.type(),
                    number, mark);
            transport.send(targets, again);
        }
    }

    /** The body of an authentic answer to transaction {@code tx} for this device, or null. */
    private Message decodeAnswer(byte[] datagram, long tx) {
        Envelope env;
        try {
            env = Codec.decode(datagram, key);
        } catch (ProtocolException ex) {
            LOG.debug("agent dropped answer: device={} kind={} error={}", device, ex.kind(), ex.getMessage());
            return null;
        }
        if (env.direction() != Direction.TO_DEVICE || !env.device().equals(device) || env.transactionId() != tx) {
            return null;
        }
        return env.body();
    }
}
