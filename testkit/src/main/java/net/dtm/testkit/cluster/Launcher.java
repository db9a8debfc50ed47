package net.dtm.testkit.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import net.dtm.api.DeviceId;

/**
 * Starts agents of an {@link AgentFleet} in batches spread over time, on a thread of its own, so
 * new establishments keep happening while the test does something else (kills a node, ...).
 * Devices are taken in order from a fixed list; a batch asking for more than are left starts what
 * is left.
 */
public final class Launcher implements AutoCloseable {

    private final AgentFleet fleet;
    private final List<DeviceId> devices;
    private final Function<DeviceId, byte[]> keyOf;
    private final List<InetSocketAddress> servers;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-launcher");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param devices every device the launcher may start, in order
     * @param servers the servers each agent knows at its start
     */
    public Launcher(AgentFleet fleet, List<DeviceId> devices, Function<DeviceId, byte[]> keyOf,
                    List<InetSocketAddress> servers) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.devices = List.copyOf(devices);
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.servers = List.copyOf(servers);
    }

    /** Starts {@code n} more agents evenly over {@code over} from now (returns at once). */
    public void batch(int n, Duration over) {
        long step = n <= 1 ? 0 : over.toNanos() / n;
        for (int i = 0; i < n; i++) {
            int index = next.getAndIncrement();
            if (index >= devices.size()) {
                return;
            }
            timer.schedule(() -> startOne(devices.get(index)), step * i, TimeUnit.NANOSECONDS);
        }
    }

    private void startOne(DeviceId d) {
        try {
            fleet.start(d, keyOf.apply(d), servers);
            started.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Agents started so far. */
    public int started() {
        return started.get();
    }

    /** Agents asked for so far (started or still scheduled). */
    public int scheduled() {
        return Math.min(next.get(), devices.size());
    }

    /**
     * Waits until every scheduled agent has been started.
     *
     * @throws IllegalStateException if starting one failed, or not all started within {@code within}
     */
    public void awaitStarted(Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (started.get() < scheduled()) {
            if (failure.get() != null) {
                throw new IllegalStateException("starting an agent failed: " + failure.get(), failure.get());
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(started.get() + " of " + scheduled() + " agents started within "
                        + within.toMillis() + " ms");
            }
            Thread.sleep(50); // polling with a deadline
        }
        if (failure.get() != null) {
            throw new IllegalStateException("starting an agent failed: " + failure.get(), failure.get());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
