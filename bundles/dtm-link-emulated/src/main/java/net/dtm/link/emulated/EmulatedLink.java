package net.dtm.link.emulated;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
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
 * A link driver that sends real UDP datagrams from its own loopback (or other local) socket and
 * emulates a WAN on top: each direction delays every datagram by rtt/2 plus uniform jitter and drops
 * it, either independently with the configured probability or in bursts (a Gilbert–Elliott chain per
 * direction). Loss and jitter come from a seeded generator (one stream per direction), so a run with
 * the same seed and the same traffic makes the same decisions. {@link #setState(LinkState)} emulates
 * an outage, and an {@link OutageSchedule} repeats one on a timetable: while DOWN, everything is
 * dropped, and every change is reported to the handler at once.
 * <p>
 * Not final only so that the driver's Declarative Services component can be the link it publishes
 * ({@link EmulatedLinkService}); the link's behaviour cannot be overridden.
 */
public class EmulatedLink implements LinkDriver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmulatedLink.class);
    private static final int MAX_RECEIVE = 65_535;

    private final EmulatedLinkSettings settings;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final Thread receiver;
    private final long seed;
    private final SplittableRandom outbound;
    private final SplittableRandom inbound;
    private final GilbertElliott outboundBursts;
    private final GilbertElliott inboundBursts;
    private final List<ScheduledFuture<?>> outageTasks = new ArrayList<>();

    private final AtomicLong datagramsSent = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong datagramsReceived = new AtomicLong();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong droppedOutbound = new AtomicLong();
    private final AtomicLong droppedInbound = new AtomicLong();

    private volatile LinkHandler handler;
    private volatile LinkState state = LinkState.UP;
    private volatile boolean closed;

    /** A link with its own single-threaded scheduler. */
    public EmulatedLink(EmulatedLinkSettings settings) throws IOException {
        this(settings, null);
    }

    /**
     * @param settings  how the link behaves
     * @param scheduler runs the delayed deliveries; null to create (and own) one
     * @throws IOException if the socket cannot be bound
     */
    public EmulatedLink(EmulatedLinkSettings settings, ScheduledExecutorService scheduler) throws IOException {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.seed = settings.seed() != 0 ? settings.seed() : new SecureRandom().nextLong();
        this.outbound = new SplittableRandom(seed);
        this.inbound = outbound.split();
        this.outboundBursts = settings.burstLoss().map(GilbertElliott::new).orElse(null);
        this.inboundBursts = settings.burstLoss().map(GilbertElliott::new).orElse(null);
        if (scheduler == null) {
            ScheduledThreadPoolExecutor own = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "dtm-link-" + settings.id());
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
        DatagramChannel ch = DatagramChannel.open();
        try {
            // Bursts (several copies to several servers) must not be lost in the kernel: the only
            // loss on an emulated link is the configured one.
            ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.bind(new InetSocketAddress(settings.bindHost(), 0));
            this.localAddress = (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (ownsScheduler) {
                this.scheduler.shutdownNow();
            }
            throw e;
        }
        this.channel = ch;
        this.receiver = new Thread(this::receiveLoop, "dtm-link-" + settings.id() + "-rx");
        this.receiver.setDaemon(true);
        this.receiver.start();
        LOG.info("link up: link={} kind={} local={} rtt={} ms jitter={} ms loss={} outages={} seed={}", settings.id(),
                settings.kind().label(), localAddress, settings.rttMs(), settings.jitterMs(), lossDescription(),
                settings.outages().enabled() ? settings.outages() : "none", seed);
        scheduleOutages();
    }

    private String lossDescription() {
        return settings.burstLoss().map(p -> "gilbert-elliott(p.good.bad=" + p.pGoodBad() + " p.bad.good=" + p.pBadGood()
                + " loss.good=" + p.lossGood() + " loss.bad=" + p.lossBad() + " long-run=" + p.stationaryLoss() + ")")
                .orElse(settings.lossPercent() + " %");
    }

    private void scheduleOutages() {
        OutageSchedule o = settings.outages();
        if (!o.enabled()) {
            return;
        }
        // One scheduler thread runs both tasks in time order, so an outage's end never overtakes its start.
        synchronized (outageTasks) {
            outageTasks.add(scheduler.scheduleAtFixedRate(() -> setState(LinkState.DOWN), o.periodMs(), o.periodMs(),
                    TimeUnit.MILLISECONDS));
            outageTasks.add(scheduler.scheduleAtFixedRate(() -> setState(LinkState.UP), o.periodMs() + o.durationMs(),
                    o.periodMs(), TimeUnit.MILLISECONDS));
        }
    }

    /** The settings this link was created with. */
    public final EmulatedLinkSettings settings() {
        return settings;
    }

    /** The seed in use (the configured one, or the random one picked for seed 0). */
    public final long seed() {
        return seed;
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
        return closed ? Optional.empty() : Optional.of(localAddress);
    }

    @Override
    public final void setHandler(LinkHandler newHandler) {
        this.handler = newHandler;
    }

    /** Emulates an outage (DOWN), an impairment (DEGRADED) or recovery (UP). Ignored once closed. */
    public final void setState(LinkState newState) {
        Objects.requireNonNull(newState, "newState");
        synchronized (this) {
            if (closed || state == newState) {
                return;
            }
            state = newState;
        }
        LOG.info("link state changed: link={} state={}", settings.id(), newState);
        notifyState(newState);
    }

    /** A snapshot of the counters. */
    public final LinkCounters counters() {
        return new LinkCounters(datagramsSent.get(), bytesSent.get(), datagramsReceived.get(), bytesReceived.get(),
                droppedOutbound.get(), droppedInbound.get());
    }

    @Override
    public final void send(InetSocketAddress destination, byte[] datagram) throws IOException {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(datagram, "datagram");
        if (closed) {
            throw new ClosedChannelException();
        }
        if (state == LinkState.DOWN) {
            droppedOutbound.incrementAndGet();
            throw new IOException("link " + settings.id() + " is down");
        }
        long delayNanos = decide(outbound, outboundBursts);
        if (delayNanos < 0) {
            droppedOutbound.incrementAndGet();
            return;
        }
        byte[] copy = Arrays.copyOf(datagram, datagram.length);
        if (delayNanos == 0) {
            transmit(destination, copy);
        } else {
            schedule(() -> transmit(destination, copy), delayNanos, true);
        }
    }

    /** Closes the socket; the link is DOWN afterwards. Idempotent. */
    @Override
    public final void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            state = LinkState.DOWN;
        }
        synchronized (outageTasks) {
            outageTasks.forEach(f -> f.cancel(false));
            outageTasks.clear();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("link close failed: link={} error={}", settings.id(), e.toString());
        }
        // The JDK releases a channel's socket only when the thread blocked in receive() has left
        // it: wait for the receiver so the port is really free when close() returns.
        if (Thread.currentThread() != receiver) {
            try {
                receiver.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
        LOG.info("link closed: link={}", settings.id());
        notifyState(LinkState.DOWN);
    }

    /** Returns the one-way delay in nanoseconds, or -1 to drop. Draws the same amount either way. */
    private long decide(SplittableRandom random, GilbertElliott bursts) {
        boolean lost;
        double jitterDraw;
        synchronized (random) {
            lost = bursts == null ? random.nextDouble() * 100.0 < settings.lossPercent() : bursts.drop(random);
            jitterDraw = random.nextDouble();
        }
        if (lost) {
            return -1;
        }
        double ms = settings.rttMs() / 2.0 + (jitterDraw * 2.0 - 1.0) * settings.jitterMs();
        return Math.max(0L, Math.round(ms * 1_000_000.0));
    }

    private void schedule(Runnable task, long delayNanos, boolean outgoing) {
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            (outgoing ? droppedOutbound : droppedInbound).incrementAndGet();
        }
    }

    private void transmit(InetSocketAddress destination, byte[] datagram) {
        // A datagram in flight when an outage starts is lost with it.
        if (closed || state == LinkState.DOWN) {
            droppedOutbound.incrementAndGet();
            return;
        }
        try {
            channel.send(ByteBuffer.wrap(datagram), destination);
            datagramsSent.incrementAndGet();
            bytesSent.addAndGet(datagram.length);
        } catch (IOException e) {
            droppedOutbound.incrementAndGet();
            if (!closed) {
                LOG.debug("link send failed: link={} destination={} error={}", settings.id(), destination, e.toString());
            }
        }
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
                LOG.warn("link receive failed: link={} error={}", settings.id(), e.toString());
                continue;
            }
            if (from == null) {
                continue;
            }
            buffer.flip();
            byte[] datagram = new byte[buffer.remaining()];
            buffer.get(datagram);
            if (state == LinkState.DOWN) {
                droppedInbound.incrementAndGet();
                continue;
            }
            long delayNanos = decide(inbound, inboundBursts);
            if (delayNanos < 0) {
                droppedInbound.incrementAndGet();
                continue;
            }
            InetSocketAddress source = (InetSocketAddress) from;
            if (delayNanos == 0) {
                deliver(source, datagram);
            } else {
                schedule(() -> deliver(source, datagram), delayNanos, false);
            }
        }
    }

    private void deliver(InetSocketAddress source, byte[] datagram) {
        LinkHandler h = handler;
        if (h == null || closed || state == LinkState.DOWN) {
            droppedInbound.incrementAndGet();
            return;
        }
        datagramsReceived.incrementAndGet();
        bytesReceived.addAndGet(datagram.length);
        try {
            h.received(this, source, datagram);
        } catch (RuntimeException e) {
            LOG.warn("link handler failed: link={} source={} error={}", settings.id(), source, e.toString(), e);
        }
    }

    private void notifyState(LinkState newState) {
        LinkHandler h = handler;
        if (h != null) {
            try {
                h.stateChanged(this, newState);
            } catch (RuntimeException e) {
                LOG.warn("link handler failed on state change: link={} error={}", settings.id(), e.toString(), e);
            }
        }
    }

    @Override
    public final String toString() {
        return "EmulatedLink[" + settings.id() + " " + settings.kind().label() + " " + localAddress + "]";
    }
}
