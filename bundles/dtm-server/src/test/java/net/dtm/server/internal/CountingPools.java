package net.dtm.server.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import net.dtm.api.AddressPoolAdminService;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseQuery;
import net.dtm.api.Pool;
import net.dtm.api.PoolStats;
import net.dtm.api.TunnelType;

/** Wraps a pool service: counts changes, can hold allocate() on a latch, can inject failures. */
final class CountingPools implements AddressPoolAdminService {

    final AddressPoolAdminService delegate;
    final AtomicInteger allocations = new AtomicInteger();
    final AtomicInteger changes = new AtomicInteger();
    final CountDownLatch allocateEntered = new CountDownLatch(1);
    volatile CountDownLatch allocateGate;
    final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    CountingPools(AddressPoolAdminService delegate) {
        this.delegate = delegate;
    }

    private void maybeFail() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public List<Pool> pools() {
        return delegate.pools();
    }

    @Override
    public Optional<Pool> pool(String name) {
        return delegate.pool(name);
    }

    @Override
    public List<Lease> leases(String pool) {
        return delegate.leases(pool);
    }

    @Override
    public Optional<Lease> lease(String pool, DeviceId device) {
        return delegate.lease(pool, device);
    }

    @Override
    public long used(String pool) {
        return delegate.used(pool);
    }

    @Override
    public Pool createPool(Pool pool) {
        return delegate.createPool(pool);
    }

    @Override
    public boolean deletePool(String name) {
        return delegate.deletePool(name);
    }

    @Override
    public List<Lease> leases(LeaseQuery query) {
        return delegate.leases(query);
    }

    @Override
    public Optional<Lease> leaseAt(String pool, InetAddress address) {
        return delegate.leaseAt(pool, address);
    }

    @Override
    public PoolStats stats(String pool) {
        return delegate.stats(pool);
    }

    @Override
    public Pool updatePool(Pool pool) {
        return delegate.updatePool(pool);
    }

    @Override
    public Lease reserve(String pool, DeviceId device, InetAddress address) {
        changes.incrementAndGet();
        return delegate.reserve(pool, device, address);
    }

    @Override
    public boolean unreserve(String pool, DeviceId device) {
        changes.incrementAndGet();
        return delegate.unreserve(pool, device);
    }

    @Override
    public Lease allocate(String pool, DeviceId device, InetAddress hint) {
        gate();
        return delegate.allocate(pool, device, hint);
    }

    @Override
    public Lease allocate(DeviceId device, TunnelType type, InetAddress hint) {
        gate();
        return delegate.allocate(device, type, hint);
    }

    @Override
    public Lease allocate(String pool, DeviceId device) {
        gate();
        return delegate.allocate(pool, device);
    }

    /** Counts an allocation, holds it while the gate is closed, then fails it if a failure is set. */
    private void gate() {
        allocations.incrementAndGet();
        changes.incrementAndGet();
        allocateEntered.countDown();
        CountDownLatch gate = allocateGate;
        if (gate != null) {
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("gate not opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        maybeFail();
    }

    @Override
    public Lease confirm(String pool, DeviceId device) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.confirm(pool, device);
    }

    @Override
    public Lease renew(String pool, DeviceId device) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.renew(pool, device);
    }

    @Override
    public boolean release(String pool, DeviceId device) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.release(pool, device);
    }

    @Override
    public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.confirm(pool, device, quotedAddress, quotedSequence);
    }

    @Override
    public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.renew(pool, device, quotedAddress, quotedSequence);
    }

    @Override
    public boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.release(pool, device, quotedAddress, quotedSequence);
    }

    @Override
    public Lease allocate(String pool, DeviceId device, TunnelType type, InetAddress hint, long requestSequence) {
        gate();
        return delegate.allocate(pool, device, type, hint, requestSequence);
    }

    /** Counted and gated as {@link #allocate}, then the delegate's own async way (the pool manager's, over Derby). */
    @Override
    public CompletableFuture<Lease> allocateAsync(String pool, DeviceId device, TunnelType type, InetAddress hint,
                                                  long requestSequence) {
        try {
            gate();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return delegate.allocateAsync(pool, device, type, hint, requestSequence);
    }

    @Override
    public CompletableFuture<Lease> confirmAsync(String pool, DeviceId device, InetAddress quotedAddress,
                                                 long quotedSequence, long requestSequence) {
        changes.incrementAndGet();
        RuntimeException e = failure.get();
        return e != null ? CompletableFuture.failedFuture(e)
                : delegate.confirmAsync(pool, device, quotedAddress, quotedSequence, requestSequence);
    }

    @Override
    public Lease confirm(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence, long requestSequence) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.confirm(pool, device, quotedAddress, quotedSequence, requestSequence);
    }

    @Override
    public Lease renew(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence, long requestSequence) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.renew(pool, device, quotedAddress, quotedSequence, requestSequence);
    }

    @Override
    public boolean release(String pool, DeviceId device, InetAddress quotedAddress, long quotedSequence,
                           long requestSequence) {
        changes.incrementAndGet();
        maybeFail();
        return delegate.release(pool, device, quotedAddress, quotedSequence, requestSequence);
    }
}
