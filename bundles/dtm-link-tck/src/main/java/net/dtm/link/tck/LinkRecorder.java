package net.dtm.link.tck;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import net.dtm.spi.link.LinkDriver;
import net.dtm.spi.link.LinkHandler;
import net.dtm.spi.link.LinkState;

/** A handler that records what a driver hands it, for the contract suite and drivers' own tests. */
public final class LinkRecorder implements LinkHandler {

    /** One received datagram. */
    public record Datagram(LinkDriver link, InetSocketAddress source, byte[] bytes) {
    }

    /** One reported state change. */
    public record Change(LinkDriver link, LinkState state) {
    }

    private final BlockingQueue<Datagram> datagrams = new LinkedBlockingQueue<>();
    private final BlockingQueue<Change> changes = new LinkedBlockingQueue<>();
    private volatile boolean failing;

    /** From now on every call is recorded, then fails with an unchecked exception (a buggy handler). */
    public LinkRecorder failing() {
        failing = true;
        return this;
    }

    @Override
    public void received(LinkDriver link, InetSocketAddress source, byte[] datagram) {
        datagrams.add(new Datagram(link, source, datagram.clone()));
        if (failing) {
            throw new IllegalStateException("handler failure (contract test)");
        }
    }

    @Override
    public void stateChanged(LinkDriver link, LinkState state) {
        changes.add(new Change(link, state));
        if (failing) {
            throw new IllegalStateException("handler failure (contract test)");
        }
    }

    /** Datagrams received and not yet taken. */
    public BlockingQueue<Datagram> datagrams() {
        return datagrams;
    }

    /** Changes reported and not yet taken. */
    public BlockingQueue<Change> changes() {
        return changes;
    }

    /** Takes the next datagram, failing if none arrives within {@code wait}. */
    public Datagram nextDatagram(Duration wait) throws InterruptedException {
        Datagram d = datagrams.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(d, "no datagram handed to the handler within " + wait);
        return d;
    }

    /**
     * Takes reported changes (each must name {@code link}) until one to a state {@code wanted}
     * accepts, failing if none comes within {@code wait}.
     */
    public void awaitState(LinkDriver link, Predicate<LinkState> wanted, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Change c = changes.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            assertNotNull(c, "no wanted state change reported within " + wait);
            assertSame(link, c.link(), "the link passed to stateChanged()");
            if (wanted.test(c.state())) {
                return;
            }
        }
    }
}
