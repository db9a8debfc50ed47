package net.dtm.pool;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreUnavailableException;

/** Decorates a store: counts writes and can be switched to fail like a lost store. */
class CountingStore implements LeaseStore {

    private final LeaseStore delegate;
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger scans = new AtomicInteger();
    volatile boolean down;

    CountingStore(LeaseStore delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (down) {
            throw new StoreUnavailableException("test: store is down", null);
        }
    }

    @Override
    public void createPool(Pool pool) {
        check();
        writes.incrementAndGet();
        delegate.createPool(pool);
    }

    @Override
    public boolean deletePool(String name) {
        check();
        writes.incrementAndGet();
        return delegate.deletePool(name);
    }

    @Override
    public List<Pool> pools() {
        check();
        return delegate.pools();
    }

    @Override
    public Optional<Pool> pool(String name) {
        check();
        return delegate.pool(name);
    }

    @Override
    public BindResult tryBind(Lease proposed) {
        check();
        writes.incrementAndGet();
        return delegate.tryBind(proposed);
    }

    @Override
    public void updatePool(Pool pool) {
        check();
        writes.incrementAndGet();
        delegate.updatePool(pool);
    }

    @Override
    public List<Lease> leases(String pool, InetAddress after, int limit) {
        check();
        return delegate.leases(pool, after, limit);
    }

    @Override
    public List<Lease> reclaimable(String pool, Instant boundary, int limit) {
        check();
        return delegate.reclaimable(pool, boundary, limit);
    }

    @Override
    public void forEachAddress(String pool, Consumer<InetAddress> sink) {
        check();
        scans.incrementAndGet();
        delegate.forEachAddress(pool, sink);
    }

    @Override
    public LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        check();
        return delegate.countLeases(pool, now, quarantineBoundary);
    }

    @Override
    public Optional<Lease> update(Lease updated, long expectedSequence) {
        check();
        writes.incrementAndGet();
        return delegate.update(updated, expectedSequence);
    }

    @Override
    public boolean remove(String pool, DeviceId device, long expectedSequence) {
        check();
        writes.incrementAndGet();
        return delegate.remove(pool, device, expectedSequence);
    }

    @Override
    public Optional<Lease> findByDevice(String pool, DeviceId device) {
        check();
        return delegate.findByDevice(pool, device);
    }

    @Override
    public Optional<Lease> findByAddress(String pool, InetAddress address) {
        check();
        return delegate.findByAddress(pool, address);
    }

    @Override
    public List<Lease> leases(String pool) {
        check();
        scans.incrementAndGet();
        return delegate.leases(pool);
    }
}
