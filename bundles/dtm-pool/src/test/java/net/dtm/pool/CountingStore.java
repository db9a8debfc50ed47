package net.dtm.pool;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
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
    public BindResult tryBind(String pool, DeviceId device, InetAddress address, Instant expiresAt, String nodeId) {
        check();
        writes.incrementAndGet();
        return delegate.tryBind(pool, device, address, expiresAt, nodeId);
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
