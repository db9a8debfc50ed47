package net.dtm.examples.link;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/**
 * The simplest real link: one UDP socket bound to a fixed local address, UP from the moment it is
 * bound until {@link #close()}. A driver for a real WAN adds what this one leaves out: following
 * the interface's address and state (see DTM's cellular driver), and reporting DEGRADED or DOWN.
 * <p>
 * Plain Java with no OSGi in it, so a unit test can create two of them and pass datagrams. Not final
 * only so that the Declarative Services component can be the link it publishes
 * ({@link ExampleLinkService}); the link's behaviour cannot be overridden.
 */
public class UdpLink implements LinkDriver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UdpLink.class);
    private static final int MAX_RECEIVE = 65_535;

    private final UdpLinkSettings settings;
    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final Thread receiver;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong received = new AtomicLong();

    private volatile LinkHandler handler;
    private volatile boolean closed;

    /**
     * Binds the socket and starts receiving.
     *
     * @throws IOException if the address cannot be bound (not configured here, port taken)
     */
    public UdpLink(UdpLinkSettings settings) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.bind(new InetSocketAddress(InetAddress.getByName(settings.bindHost()), settings.bindPort()));
            this.local = (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        this.channel = ch;
        this.receiver = new Thread(this::receiveLoop, "dtm-example-link-" + settings.id() + "-rx");
        this.receiver.setDaemon(true);
        this.receiver.start();
        LOG.info("example link up: link={} kind={} local={} mtu={}", settings.id(), settings.kindLabel(), local,
                settings.mtu());
    }

    @Override
    public final String id() {
        return settings.id();
    }

    @Override
    public final LinkKind kind() {
        return settings.kind();
    }

    /** The configured label: a kind {@link LinkKind} names, or the carrier's own (then the kind is OTHER). */
    @Override
    public final String kindLabel() {
        return settings.kindLabel();
    }

    @Override
    public final LinkState state() {
        return closed ? LinkState.DOWN : LinkState.UP;
    }

    @Override
    public final Optional<InetSocketAddress> localAddress() {
        return closed ? Optional.empty() : Optional.of(local);
    }

    @Override
    public final int mtu() {
        return settings.mtu();
    }

    @Override
    public final void setHandler(LinkHandler newHandler) {
        this.handler = newHandler;
    }

    @Override
    public final void send(InetSocketAddress destination, byte[] datagram) throws IOException {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(datagram, "datagram");
        if (closed) {
            throw new ClosedChannelException();
        }
        if (datagram.length > settings.mtu()) {
            throw new IOException("link " + settings.id() + ": datagram of " + datagram.length + " bytes exceeds mtu "
                    + settings.mtu());
        }
        channel.send(ByteBuffer.wrap(datagram), destination);
        sent.incrementAndGet();
    }

    /** Datagrams sent so far. */
    public final long datagramsSent() {
        return sent.get();
    }

    /** Datagrams handed to the handler so far. */
    public final long datagramsReceived() {
        return received.get();
    }

    private void receiveLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_RECEIVE);
        while (!closed) {
            SocketAddress from;
            try {
                buffer.clear();
                from = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("example link receive failed: link={} error={}", settings.id(), e.toString());
                continue;
            }
            LinkHandler h = handler;
            if (from == null || h == null) {
                continue;
            }
            buffer.flip();
            byte[] datagram = new byte[buffer.remaining()];
            buffer.get(datagram);
            received.incrementAndGet();
            try {
                h.received(this, (InetSocketAddress) from, datagram);
            } catch (RuntimeException e) {
                LOG.warn("example link handler failed: link={} source={} error={}", settings.id(), from, e.toString(), e);
            }
        }
    }

    /** Closes the socket; the link is DOWN afterwards and the handler is told. Idempotent. */
    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("example link close failed: link={} error={}", settings.id(), e.toString());
        }
        // The port is free again only once the receiver has left receive(): a new link configured on
        // the same port right after would fail otherwise.
        if (Thread.currentThread() != receiver) {
            try {
                receiver.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LinkHandler h = handler;
        if (h != null) {
            try {
                h.stateChanged(this, LinkState.DOWN);
            } catch (RuntimeException e) {
                LOG.warn("example link handler failed on close: link={} error={}", settings.id(), e.toString(), e);
            }
        }
        LOG.info("example link closed: link={} sent={} received={}", settings.id(), sent.get(), received.get());
    }

    @Override
    public final String toString() {
        return "UdpLink[" + settings.id() + " " + settings.kindLabel() + " " + local + "]";
    }
}
