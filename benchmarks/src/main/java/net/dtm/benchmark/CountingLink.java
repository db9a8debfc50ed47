package net.dtm.benchmark;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.protocol.Codec;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.ProtocolException;
import net.dtm.spi.link.LinkDriver;
import net.dtm.testkit.ForwardingLink;

/** Decorates a link to count the datagrams (all, and ESTABLISH alone) the agent puts on it. */
final class CountingLink extends ForwardingLink {

    final LongAdder establishSent = new LongAdder();
    final LongAdder allSent = new LongAdder();

    CountingLink(LinkDriver delegate) {
        super(delegate);
    }

    @Override
    protected void sent(InetSocketAddress destination, byte[] datagram) {
        allSent.increment();
        try {
            if (Codec.peek(datagram).type() == MessageType.ESTABLISH) {
                establishSent.increment();
            }
        } catch (ProtocolException e) {
            // not ours to judge: the agent only sends what it encoded
        }
    }
}
