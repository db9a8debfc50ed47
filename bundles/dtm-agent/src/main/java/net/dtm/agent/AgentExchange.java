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
 */
final class AgentExchange {

    private final DeviceId device;
    private final byte[] key;
    private final MultiLinkTransport transport;
    private final SequenceSource sequence = new SequenceSource();
    private volatile int wireVersion = Codec.MAX_VERSION;

    AgentExchange(DeviceId device, byte[] key, MultiLinkTransport transport) {
        this.device = device;
        this.key = key;
        this.transport = transport;
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
                                              ReplyMatcher<Message> matcher, Duration timeout) {
        try {
            Envelope env = new Envelope(Direction.TO_SERVER, device, tx, sequence.next(), body, wireVersion);
            return transport.request(tx, targets, Codec.encode(env, key), matcher, timeout);
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
        ReplyMatcher<Message> matcher = (d, from) -> {
            Message m = decodeAnswer(d, tx);
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
    ReplyMatcher<Message> ackOrNak(long tx) {
        return (d, from) -> {
            Message m = decodeAnswer(d, tx);
            return m instanceof Ack || m instanceof Nak ? m : null;
        };
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
