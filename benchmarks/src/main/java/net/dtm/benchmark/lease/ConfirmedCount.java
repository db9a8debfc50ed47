package net.dtm.benchmark.lease;

import java.net.InetAddress;
import java.util.concurrent.atomic.LongAdder;

import net.dtm.api.DeviceId;
import net.dtm.testkit.lease.LeaseClient;

/** Counts the leases load clients confirm as they go, for progress lines during a timed run. */
public final class ConfirmedCount implements LeaseClient.Listener {

    private final LongAdder confirmed = new LongAdder();

    @Override
    public void confirmed(DeviceId device, String pool, InetAddress address, long leaseSequence) {
        confirmed.increment();
    }

    /** Leases confirmed so far. */
    public long sum() {
        return confirmed.sum();
    }
}
