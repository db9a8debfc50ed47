package net.dtm.benchmark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.protocol.Codec;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.ProtocolException;
import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/** Decorates a link to count the datagrams (all, and ESTABLISH alone) the agent puts on it. */
final class CountingLink implements LinkDriver {

    private final LinkDriver delegate;
    final LongAdder establishSent = new LongAdder();
    final LongAdder allSent = new LongAdder();

    CountingLink(LinkDriver delegate) {
        this.delegate = delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public LinkKind kind() {
        return delegate.kind();
    }

    @Override
    public LinkState state() {
        return delegate.state();
    }

    @Override
    public Optional<InetSocketAddress> localAddress() {
        return delegate.localAddress();
    }

    @Override
    public Optional<InetSocketAddress> publicAddress() {
        return delegate.publicAddress();
    }

    @Override
    public int mtu() {
        return delegate.mtu();
    }

    @Override
    public boolean metered() {
        return delegate.metered();
    }

    @Override
    public void send(InetSocketAddress destination, byte[] datagram) throws IOException {
        allSent.increment();
        try {
            if (Codec.peek(datagram).type() == MessageType.ESTABLISH) {
                establishSent.increment();
            }
        } catch (ProtocolException e) {
            // not ours to judge: the agent only sends what it encoded
        }
        delegate.send(destination, datagram);
    }

    @Override
    public void setHandler(LinkHandler handler) {
        CountingLink self = this;
        delegate.setHandler(new LinkHandler() {
            @Override
            public void received(LinkDriver link, InetSocketAddress source, byte[] datagram) {
                handler.received(self, source, datagram);
            }

            @Override
            public void stateChanged(LinkDriver link, LinkState state) {
                handler.stateChanged(self, state);
            }
        });
    }
}
