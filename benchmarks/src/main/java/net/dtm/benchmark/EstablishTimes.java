package net.dtm.benchmark;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import net.dtm.agent.TunnelAgent;
import net.dtm.api.TunnelStatus;

/** The duration of each new establishment of one agent, in milliseconds, as it happens. */
public final class EstablishTimes {

    private final BlockingQueue<Double> done = new LinkedBlockingQueue<>();
    private long seen;

    /** Starts listening to {@code agent}: every establishment it counts from now on is queued once. */
    public EstablishTimes(TunnelAgent agent) {
        agent.addListener(st -> {
            if (st.state() == TunnelStatus.State.ESTABLISHED) {
                long count = agent.establishments();
                synchronized (this) {
                    if (count > seen) {
                        seen = count;
                        done.add(st.lastEstablishMs());
                    }
                }
            }
        });
    }

    /** The next establishment's duration, or null if none came within the time. */
    public Double next(long timeout, TimeUnit unit) throws InterruptedException {
        return done.poll(timeout, unit);
    }
}
