package net.dtm.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/**
 * An in-memory link: datagrams go to in-memory servers after a one-way delay and their answers come
 * back after the same delay. Loss is a seeded probability per direction, or a predicate on the send
 * number.
 */
final class FakeLink implements LinkDriver {

    /** A server answers a request with zero or more datagrams. */
    interface Server extends BiFunction<byte[], FakeLink, byte[][]> {
    }

    final String id;
    final ScheduledExecutorService ses;
    final Map<InetSocketAddress, Server> servers;
    final AtomicInteger sends = new AtomicInteger();
    volatile long oneWayMs;
    volatile double lossEachWay;
    volatile IntPredicate dropSend = n -> false;
    volatile LinkState state = LinkState.UP;
    volatile boolean metered;
    volatile LinkHandler handler;
    private final SplittableRandom random;

    FakeLink(String id, long oneWayMs, ScheduledExecutorService ses, Map<InetSocketAddress, Server> servers, long seed) {
        this.id = id;
        this.oneWayMs = oneWayMs;
        this.ses = ses;
        this.servers = servers;
        this.random = new SplittableRandom(seed);
    }

    static Map<InetSocketAddress, Server> network() {
        return new ConcurrentHashMap<>();
    }

    private synchronized boolean lost() {
        return random.nextDouble() < lossEachWay;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public LinkKind kind() {
        return LinkKind.EMULATED;
    }

    @Override
    public LinkState state() {
        return state;
    }

    @Override
    public Optional<InetSocketAddress> localAddress() {
        return Optional.of(new InetSocketAddress("127.0.0.1", 40000 + Math.abs(id.hashCode() % 1000)));
    }

    @Override
    public void send(InetSocketAddress destination, byte[] datagram) throws IOException {
        if (state == LinkState.DOWN) {
            throw new IOException("down");
        }
        int n = sends.getAndIncrement();
        if (dropSend.test(n) || lost()) {
            return;
        }
        byte[] copy = datagram.clone();
        ses.schedule(() -> {
            Server s = servers.get(destination);
            if (s == null) {
                return;
            }
            byte[][] answers = s.apply(copy, this);
            if (answers == null) {
                return;
            }
            for (byte[] a : answers) {
                if (lost()) {
                    continue;
                }
                ses.schedule(() -> {
                    LinkHandler h = handler;
                    if (h != null) {
                        h.received(this, destination, a);
                    }
                }, oneWayMs, TimeUnit.MILLISECONDS);
            }
        }, oneWayMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean metered() {
        return metered;
    }

    /** Changes the state and reports it, as a driver does. */
    void report(LinkState s) {
        state = s;
        LinkHandler h = handler;
        if (h != null) {
            h.stateChanged(this, s);
        }
    }

    /** Injects a datagram as if it had arrived from {@code from}. */
    void inject(InetSocketAddress from, byte[] datagram) {
        handler.received(this, from, datagram);
    }

    @Override
    public void setHandler(LinkHandler h) {
        this.handler = h;
    }
}
