package net.dtm.benchmark;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/**
 * Adds bursty (Gilbert–Elliott) loss to a link that has none of its own, one independent loss
 * process per direction: outgoing datagrams are dropped before they reach the link, incoming ones
 * before they reach the handler. Stands in for the emulated driver's own bursty model so the
 * benchmark depends only on the link SPI.
 */
final class BurstyLossLink implements LinkDriver {

    private final LinkDriver delegate;
    private final GilbertElliott outbound;
    private final GilbertElliott inbound;
    final LongAdder droppedOutbound = new LongAdder();
    final LongAdder droppedInbound = new LongAdder();

    BurstyLossLink(LinkDriver delegate, double lossPercent, double meanBurst, long seed) {
        this.delegate = delegate;
        this.outbound = new GilbertElliott(lossPercent, meanBurst, seed);
        this.inbound = new GilbertElliott(lossPercent, meanBurst, seed * 6_364_136_223_846_793_005L + 1);
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
        boolean drop;
        synchronized (outbound) {
            drop = outbound.drop();
        }
        if (drop) {
            droppedOutbound.increment();
            return;
        }
        delegate.send(destination, datagram);
    }

    @Override
    public void setHandler(LinkHandler handler) {
        BurstyLossLink self = this;
        delegate.setHandler(new LinkHandler() {
            @Override
            public void received(LinkDriver link, InetSocketAddress source, byte[] datagram) {
                boolean drop;
                synchronized (inbound) {
                    drop = inbound.drop();
                }
                if (drop) {
                    droppedInbound.increment();
                } else {
                    handler.received(self, source, datagram);
                }
            }

            @Override
            public void stateChanged(LinkDriver link, LinkState state) {
                handler.stateChanged(self, state);
            }
        });
    }
}
