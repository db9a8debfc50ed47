package net.dtm.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/**
 * A link that forwards everything to another and shows the datagrams going through it to
 * {@link #sent} and {@link #received}: the base of the benchmarks' counting and observing links.
 */
public abstract class ForwardingLink implements LinkDriver {

    private final LinkDriver delegate;

    protected ForwardingLink(LinkDriver delegate) {
        this.delegate = delegate;
    }

    /** A datagram about to go out (called before it is sent). */
    protected void sent(InetSocketAddress destination, byte[] datagram) {
    }

    /** A datagram that came in (called before the handler sees it). */
    protected void received(InetSocketAddress source, byte[] datagram) {
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
        sent(destination, datagram);
        delegate.send(destination, datagram);
    }

    @Override
    public void setHandler(LinkHandler handler) {
        ForwardingLink self = this;
        delegate.setHandler(new LinkHandler() {
            @Override
            public void received(LinkDriver link, InetSocketAddress source, byte[] datagram) {
                self.received(source, datagram);
                handler.received(self, source, datagram);
            }

            @Override
            public void stateChanged(LinkDriver link, LinkState state) {
                handler.stateChanged(self, state);
            }
        });
    }
}
