package net.dtm.benchmark.flood;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import net.dtm.agent.AgentSettings;
import net.dtm.agent.TunnelAgent;
import net.dtm.api.DeviceCredential;
import net.dtm.benchmark.EstablishTimes;
import net.dtm.link.emulated.EmulatedLink;
import net.dtm.link.emulated.EmulatedLinkSettings;
import net.dtm.spi.link.LinkKind;
import net.dtm.transport.MultiLinkTransport;
import net.dtm.transport.TransportSettings;

/**
 * One real agent (the product's {@link TunnelAgent} over one clean emulated link on its own
 * loopback address, real UDP to the node) that establishes again and again, or holds its lease
 * and renews, and puts each establishment time into the current {@link Sample}.
 */
final class AgentLoop implements AutoCloseable {

    /** Establishment times (ms) and failures of one phase. */
    static final class Sample {
        final List<Double> millis = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger failed = new AtomicInteger();

        double p99() {
            List<Double> v;
            synchronized (millis) {
                v = new ArrayList<>(millis);
            }
            if (v.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(v);
            return v.get(Math.max(0, (int) Math.ceil(0.99 * v.size()) - 1));
        }
    }

    private static final long GIVE_UP_SECONDS = 30;

    private final TunnelAgent agent;
    private final MultiLinkTransport transport;
    private final EmulatedLink link;
    private final EstablishTimes done;
    private volatile boolean running = true;
    private Thread thread;

    AgentLoop(DeviceCredential device, String bindHost, InetSocketAddress server, ScheduledExecutorService scheduler)
            throws Exception {
        link = new EmulatedLink(new EmulatedLinkSettings("l-" + device.device(), LinkKind.ETHERNET, 1, 0, 0, 1, bindHost),
                scheduler);
        transport = new MultiLinkTransport(TransportSettings.defaults(), scheduler);
        transport.addLink(link);
        AgentSettings settings = AgentSettings.of(device.device(), device.key(), List.of(server))
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofSeconds(2));
        agent = new TunnelAgent(settings, transport, scheduler, Clock.systemUTC());
        done = new EstablishTimes(agent);
    }

    /** Establishes again every {@code pauseMillis} until closed, each time into {@code sink}'s sample. */
    void loop(AtomicReference<Sample> sink, long pauseMillis) {
        thread = new Thread(() -> {
            boolean first = true;
            while (running) {
                if (first) {
                    agent.start();
                    first = false;
                } else {
                    agent.reestablish();
                }
                try {
                    Double ms = done.next(GIVE_UP_SECONDS, TimeUnit.SECONDS);
                    Sample s = sink.get();
                    if (ms == null) {
                        s.failed.incrementAndGet();
                    } else {
                        s.millis.add(ms);
                    }
                    Thread.sleep(pauseMillis);   // pacing, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "agent-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /** Establishes once and keeps the lease (the agent renews it). @return the establishment time, or -1 */
    double hold() throws InterruptedException {
        agent.start();
        Double ms = done.next(GIVE_UP_SECONDS, TimeUnit.SECONDS);
        return ms == null ? -1 : ms;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
        for (AutoCloseable c : new AutoCloseable[] {agent, transport, link}) {
            try {
                c.close();
            } catch (Exception e) {
                // tearing a benchmark down
            }
        }
    }
}
