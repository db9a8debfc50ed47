package net.dtm.benchmark;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.protocol.Codec;
import net.dtm.protocol.Header;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.ProtocolException;
import net.dtm.spi.link.LinkDriver;
import net.dtm.testkit.ForwardingLink;

/**
 * Decorates a link to count the datagrams (all, and ESTABLISH alone) the agent puts on it, and to
 * show every datagram to a trace if one is given.
 */
final class CountingLink extends ForwardingLink {

    final LongAdder establishSent = new LongAdder();
    final LongAdder allSent = new LongAdder();
    private final EstablishTrace trace;
    private final AttemptClock attempts;

    CountingLink(LinkDriver delegate) {
        this(delegate, null, null);
    }

    /**
     * @param trace    where every datagram sent and received is noted; null for none
     * @param attempts told of every ESTABLISH sent; null for none
     */
    CountingLink(LinkDriver delegate, EstablishTrace trace, AttemptClock attempts) {
        super(delegate);
        this.trace = trace;
        this.attempts = attempts;
    }

    @Override
    protected void sent(InetSocketAddress destination, byte[] datagram) {
        allSent.increment();
        Header header = headerOf(datagram);
        MessageType type = header == null ? null : header.type();
        if (type == MessageType.ESTABLISH) {
            establishSent.increment();
            if (attempts != null) {
                attempts.establishSent(header.transactionId());
            }
        }
        if (trace != null && type != null) {
            trace.sent(id(), type);
        }
    }

    @Override
    protected void received(InetSocketAddress source, byte[] datagram) {
        Header header = trace == null ? null : headerOf(datagram);
        if (header != null) {
            trace.received(id(), header.type());
        }
    }

    private static Header headerOf(byte[] datagram) {
        try {
            return Codec.peek(datagram);
        } catch (ProtocolException e) {
            return null; // not ours to judge: the agent only sends what it encoded
        }
    }
}
