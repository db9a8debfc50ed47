package net.dtm.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import net.dtm.api.DtmException.Reason;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Codec;
import net.dtm.protocol.Direction;
import net.dtm.protocol.EnrolCodec;
import net.dtm.protocol.EnrolReply;
import net.dtm.protocol.EnrolRequest;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;
import net.dtm.protocol.Params;
import net.dtm.protocol.ProtocolException;
import net.dtm.protocol.ReceivedEnrol;
import net.dtm.protocol.SequenceSource;

/**
 * A tiny stand-in for the server, on a real UDP socket: decodes with the device key and answers
 * ESTABLISH/RENEW with PARAMS, CONFIRM/RELEASE with ACK (or everything with a NAK), answering
 * every copy it receives. An ENROL is answered by {@link #enrol} (dropped while it is null).
 */
final class FakeServer implements AutoCloseable {

    final DatagramChannel channel;
    /** The device key it seals with; replaced by a re-key. */
    volatile byte[] key;
    /**
     * The reply key of the enrolment key its grants to ENROLs with a token are sealed under, as a real
     * server's ({@code EnrolmentToken.replyKey()}); a test's attacker sets one of its own.
     */
    volatile byte[] replyKey = new byte[32];
    /** The key before the last {@link #rekey}: key fetches are granted under it (else under {@link #key}). */
    volatile byte[] previousKey;
    /** ENROL_REPLYs sent. */
    final AtomicInteger enrolReplies = new AtomicInteger();
    /** Answers each ENROL whose signature verifies (or that is a key fetch); null: ENROL dropped. */
    volatile Function<EnrolRequest, EnrolReply> enrol;
    /** Every ENROL received (each copy), signature checked or not. */
    final List<EnrolRequest> enrols = new CopyOnWriteArrayList<>();
    /** ENROLs whose signature did not verify. */
    final AtomicInteger badSignatures = new AtomicInteger();
    /** False: ESTABLISH, RENEW and the rest are dropped unanswered. */
    volatile boolean serving = true;
    final String nodeId;
    final Thread thread;
    final SequenceSource sequence = new SequenceSource();
    final List<MessageType> seen = new CopyOnWriteArrayList<>();
    /** Every decoded request, in order. */
    final List<Envelope> bodies = new CopyOnWriteArrayList<>();
    /** When each request (by its sequence number) first arrived, in nanoseconds. */
    final Map<Long, Long> firstArrival = new ConcurrentHashMap<>();
    /** How many CONFIRM attempts (distinct sequence numbers) are left unanswered first. */
    volatile int confirmAttemptsUnanswered;
    private final Set<Long> unansweredSequences = ConcurrentHashMap.newKeySet();
    /** MTU handed out in PARAMS. */
    volatile int mtu = 1400;
    final AtomicInteger undecodable = new AtomicInteger();
    volatile int leaseSeconds = 3600;
    volatile String address = "10.64.0.7";
    volatile Nak nakAll;
    volatile Nak nakRenew;
    volatile List<InetSocketAddress> pushServers = List.of();
    /** Requests numbered at or below this are refused stale-sequence with it as the mark (0: none). */
    volatile long staleUpTo;
    /** NAK stale-sequence answers sent, each on its own transaction, to another transaction too. */
    volatile boolean staleToAnotherTransaction;

    FakeServer(byte[] key, String nodeId) throws IOException {
        this.key = key;
        this.nodeId = nodeId;
        channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(this::loop, "fake-server-" + nodeId);
        thread.setDaemon(true);
        thread.start();
    }

    /** An operator's re-key: seals with {@code newKey} from now on; a key fetch is granted under the old key. */
    void rekey(byte[] newKey) {
        previousKey = key;
        key = newKey;
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    long count(MessageType t) {
        return seen.stream().filter(t::equals).count();
    }

    private void loop() {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        while (channel.isOpen()) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                buf.flip();
                byte[] d = new byte[buf.remaining()];
                buf.get(d);
                if (isEnrol(d)) {
                    enrol(d, from);
                    continue;
                }
                if (!serving) {
                    continue;
                }
                byte[] k = key;
                Envelope req;
                try {
                    req = Codec.decode(d, k);
                } catch (ProtocolException e) {
                    undecodable.incrementAndGet();
                    continue;
                }
                seen.add(req.type());
                bodies.add(req);
                if (firstArrival.putIfAbsent(req.sequence(), System.nanoTime()) == null
                        && req.type() == MessageType.CONFIRM && confirmAttemptsUnanswered > 0) {
                    confirmAttemptsUnanswered--;
                    unansweredSequences.add(req.sequence());
                }
                if (unansweredSequences.contains(req.sequence())) {
                    continue;
                }
                Message answer = answer(req);
                long tx = req.transactionId();
                if (answer instanceof Nak nak && nak.isResync() && staleToAnotherTransaction) {
                    tx = ~tx; // a stray: for no transaction the agent has outstanding
                }
                Envelope out = new Envelope(Direction.TO_DEVICE, req.device(), tx, sequence.next(), answer,
                        req.version());
                channel.send(ByteBuffer.wrap(Codec.encode(out, k)), from);
            } catch (IOException e) {
                return;
            }
        }
    }

    private static boolean isEnrol(byte[] d) {
        try {
            return Codec.peek(d).type() == MessageType.ENROL;
        } catch (ProtocolException e) {
            return false;
        }
    }

    private void enrol(byte[] d, SocketAddress from) throws IOException {
        ReceivedEnrol received;
        try {
            received = EnrolCodec.decodeRequest(d);
        } catch (ProtocolException e) {
            undecodable.incrementAndGet();
            return;
        }
        EnrolRequest req = received.request();
        enrols.add(req);
        if (!req.keyFetch() && !received.signatureVerifies()) {
            badSignatures.incrementAndGet();
            return;
        }
        Function<EnrolRequest, EnrolReply> policy = enrol;
        if (policy == null) {
            return;
        }
        EnrolReply reply = policy.apply(req);
        if (reply != null) {
            byte[] grantKey = req.keyFetch() ? (previousKey != null ? previousKey : key) : replyKey;
            channel.send(ByteBuffer.wrap(EnrolCodec.encodeReply(req, sequence.next(), reply, grantKey)), from);
            enrolReplies.incrementAndGet();
        }
    }

    private Message answer(Envelope req) throws IOException {
        if (nakAll != null) {
            return nakAll;
        }
        if (req.sequence() <= staleUpTo && req.version() >= Codec.RESYNC_VERSION) {
            return new Nak(Reason.STALE_SEQUENCE, "seen up to " + staleUpTo, staleUpTo);
        }
        return switch (req.type()) {
            case ESTABLISH -> params(req.version());
            case RENEW -> nakRenew != null ? nakRenew : params(req.version());
            case CONFIRM, RELEASE, PATH -> new Ack(req.type());
            default -> new Nak(Reason.BAD_REQUEST, "unexpected " + req.type());
        };
    }

    private Params params(int version) throws IOException {
        TunnelParameters p = new TunnelParameters(InetAddress.getByName(address), 16, InetAddress.getByName("10.64.0.1"),
                new InetSocketAddress("127.0.0.1", 4789), TunnelType.VXLAN, mtu, 10, leaseSeconds, nodeId, 4242, "");
        if (version < 2) {
            p = new TunnelParameters(p.innerAddress(), p.prefixLength(), p.gateway(), p.serverEndpoint(), p.type(), p.mtu(),
                    p.keepaliveSeconds(), p.leaseSeconds(), p.serverNodeId());
        }
        return new Params(p, "demo", 7, pushServers);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
