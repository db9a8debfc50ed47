package net.dtm.link.iface;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/**
 * A link driver whose UDP socket is bound to the current address of a named interface (a cellular
 * modem's {@code wwan0}, a satellite terminal's interface) and follows it: every {@code pollMs} it
 * reads the interface from the system and, when the address changes, rebinds the socket to the new
 * one; when the interface goes down, disappears or loses its address, the link is DOWN. Each change
 * is reported to the handler as soon as it is seen, and a failed send triggers a look at once.
 * A missing interface at start is not an error: the link starts DOWN and comes UP when it appears.
 * <p>
 * Binding to the interface's source address is what Java offers; making the kernel route that
 * source out of that interface (policy routing, {@code ip rule from <addr> table ...}) is the
 * router's configuration.
 * <p>
 * Not final only so that a driver's Declarative Services component can be the link it publishes
 * (a subclass adding its constructor and deactivation); the link's behaviour cannot be overridden.
 */
public class InterfaceLink implements LinkDriver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InterfaceLink.class);
    private static final int MAX_RECEIVE = 65_535;

    /** The socket bound to one address, with its receiver thread. */
    private record Bound(DatagramChannel channel, InetSocketAddress local, Thread receiver) {
    }

    private final InterfaceLinkSettings settings;
    private final InterfaceLookup lookup;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ScheduledFuture<?> pollTask;
    private final Object lock = new Object();

    private final AtomicLong datagramsSent = new AtomicLong();
    private final AtomicLong datagramsReceived = new AtomicLong();

    private volatile Bound bound;
    private volatile LinkState state = LinkState.DOWN;
    private volatile LinkHandler handler;
    private volatile boolean closed;

    /** A link polling the real system with its own scheduler thread. */
    public InterfaceLink(InterfaceLinkSettings settings) {
        this(settings, InterfaceLookup.system(), null);
    }

    /**
     * Reads the interface once (binding if it has an address), then every {@code settings.pollMs()}.
     *
     * @param settings  the link's configuration
     * @param lookup    how to ask the system about the interface
     * @param scheduler runs the polls; null to create (and own) one
     */
    public InterfaceLink(InterfaceLinkSettings settings, InterfaceLookup lookup, ScheduledExecutorService scheduler) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        if (scheduler == null) {
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "dtm-link-" + settings.id() + "-poll");
                t.setDaemon(true);
                return t;
            });
            own.setRemoveOnCancelPolicy(true);
            this.scheduler = own;
            this.ownsScheduler = true;
        } else {
            this.scheduler = scheduler;
            this.ownsScheduler = false;
        }
        LOG.info("link created: link={} kind={} interface={} port={} mtu={} poll={} ms metered={}", settings.id(),
                settings.kind().label(), settings.interfaceName(), settings.port(), settings.mtu(), settings.pollMs(),
                settings.metered());
        poll();
        this.pollTask = this.scheduler.scheduleWithFixedDelay(this::pollQuietly, settings.pollMs(), settings.pollMs(),
                TimeUnit.MILLISECONDS);
    }

    /** The settings this link was created with. */
    public final InterfaceLinkSettings settings() {
        return settings;
    }

    @Override
    public final String id() {
        return settings.id();
    }

    @Override
    public final LinkKind kind() {
        return settings.kind();
    }

    @Override
    public final LinkState state() {
        return state;
    }

    @Override
    public final Optional<InetSocketAddress> localAddress() {
        Bound b = bound;
        return b == null ? Optional.empty() : Optional.of(b.local());
    }

    @Override
    public final int mtu() {
        return settings.mtu();
    }

    @Override
    public final boolean metered() {
        return settings.metered();
    }

    @Override
    public final void setHandler(LinkHandler newHandler) {
        this.handler = newHandler;
    }

    /** Datagrams sent so far. */
    public final long datagramsSent() {
        return datagramsSent.get();
    }

    /** Datagrams handed to the handler so far. */
    public final long datagramsReceived() {
        return datagramsReceived.get();
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
        Bound b = bound;
        if (b == null || state == LinkState.DOWN) {
            throw new IOException("link " + settings.id() + " is down (interface " + settings.interfaceName() + ")");
        }
        try {
            b.channel().send(ByteBuffer.wrap(datagram), destination);
            datagramsSent.incrementAndGet();
        } catch (IOException e) {
            // The address may have gone a moment ago: look now rather than at the next poll.
            try {
                scheduler.execute(this::pollQuietly);
            } catch (RejectedExecutionException closing) {
                // closing
            }
            throw e;
        }
    }

    /**
     * Reads the interface now and applies what changed: rebind on a new address, DOWN when it has
     * none. Reports a change to the handler before returning. Also runs every {@code pollMs}.
     */
    public final void poll() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            InterfaceStatus status;
            try {
                status = lookup.lookup(settings.interfaceName());
            } catch (IOException | RuntimeException e) {
                LOG.warn("link interface lookup failed: link={} interface={} error={}", settings.id(),
                        settings.interfaceName(), e.toString());
                status = InterfaceStatus.ABSENT;
            }
            Optional<InetAddress> address = status.up() ? usableAddress(status.addresses()) : Optional.empty();
            Bound current = bound;
            if (address.isEmpty()) {
                if (current != null || state != LinkState.DOWN) {
                    unbind();
                    LOG.info("link down: link={} interface={} reason={}", settings.id(), settings.interfaceName(),
                            status.up() ? "no usable address" : "interface down or absent");
                    changeState(LinkState.DOWN);
                }
                return;
            }
            if (current != null && current.local().getAddress().equals(address.get())) {
                return;
            }
            unbind();
            try {
                bound = bind(address.get());
            } catch (IOException e) {
                LOG.warn("link bind failed: link={} interface={} address={} port={} error={}", settings.id(),
                        settings.interfaceName(), address.get().getHostAddress(), settings.port(), e.toString());
                if (state != LinkState.DOWN) {
                    changeState(LinkState.DOWN);
                }
                return;
            }
            LOG.info("link {}: link={} interface={} local={}", current == null ? "up" : "address changed", settings.id(),
                    settings.interfaceName(), bound.local());
            // Reported even when the state stays UP: the transport must use the new address at once.
            changeState(LinkState.UP);
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.warn("link poll failed: link={} error={}", settings.id(), e.toString(), e);
        }
    }

    /** The address to bind: IPv4 first, then IPv6; never a link-local or wildcard one. */
    static Optional<InetAddress> usableAddress(List<InetAddress> addresses) {
        Optional<InetAddress> v4 = addresses.stream()
                .filter(a -> a instanceof Inet4Address && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()).findFirst();
        if (v4.isPresent()) {
            return v4;
        }
        return addresses.stream().filter(a -> !a.isLinkLocalAddress() && !a.isAnyLocalAddress()).findFirst();
    }

    private Bound bind(InetAddress address) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.bind(new InetSocketAddress(address, settings.port()));
            InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
            Thread receiver = new Thread(() -> receiveLoop(ch), "dtm-link-" + settings.id() + "-rx");
            receiver.setDaemon(true);
            receiver.start();
            return new Bound(ch, local, receiver);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void unbind() {
        Bound b = bound;
        bound = null;
        if (b == null) {
            return;
        }
        try {
            b.channel().close();
        } catch (IOException e) {
            LOG.warn("link socket close failed: link={} error={}", settings.id(), e.toString());
        }
        // The JDK frees the port only once the thread blocked in receive() has left it: a rebind
        // to the same port right after would fail otherwise.
        if (Thread.currentThread() != b.receiver()) {
            try {
                b.receiver().join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void receiveLoop(DatagramChannel ch) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_RECEIVE);
        while (ch.isOpen()) {
            SocketAddress from;
            try {
                buffer.clear();
                from = ch.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!ch.isOpen()) {
                    return;
                }
                LOG.warn("link receive failed: link={} error={}", settings.id(), e.toString());
                continue;
            }
            if (from == null) {
                continue;
            }
            buffer.flip();
            byte[] datagram = new byte[buffer.remaining()];
            buffer.get(datagram);
            LinkHandler h = handler;
            if (h == null) {
                continue;
            }
            datagramsReceived.incrementAndGet();
            try {
                h.received(this, (InetSocketAddress) from, datagram);
            } catch (RuntimeException e) {
                LOG.warn("link handler failed: link={} source={} error={}", settings.id(), from, e.toString(), e);
            }
        }
    }

    private void changeState(LinkState newState) {
        state = newState;
        LinkHandler h = handler;
        if (h != null) {
            try {
                h.stateChanged(this, newState);
            } catch (RuntimeException e) {
                LOG.warn("link handler failed on state change: link={} error={}", settings.id(), e.toString(), e);
            }
        }
    }

    /** Stops polling and closes the socket; the link is DOWN afterwards. Idempotent. */
    @Override
    public final void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            pollTask.cancel(false);
            unbind();
            changeState(LinkState.DOWN);
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        LOG.info("link closed: link={} interface={}", settings.id(), settings.interfaceName());
    }

    @Override
    public final String toString() {
        return "InterfaceLink[" + settings.id() + " " + settings.kind().label() + " " + settings.interfaceName() + " "
                + localAddress().map(Object::toString).orElse("unbound") + "]";
    }
}
