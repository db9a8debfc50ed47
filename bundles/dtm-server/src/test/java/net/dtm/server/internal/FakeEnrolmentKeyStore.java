package net.dtm.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import net.dtm.api.EnrolmentKey;
import net.dtm.spi.store.EnrolmentKeyStore;

/** In-memory enrolment key store that counts reads and writes; {@link #failing} makes every call throw. */
class FakeEnrolmentKeyStore implements EnrolmentKeyStore {

    final Map<String, EnrolmentKey> keys = new ConcurrentSkipListMap<>();
    final AtomicInteger finds = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    volatile boolean failing;

    @Override
    public boolean add(EnrolmentKey key) {
        check();
        writes.incrementAndGet();
        return keys.putIfAbsent(key.id(), key) == null;
    }

    @Override
    public Optional<EnrolmentKey> find(String id) {
        check();
        finds.incrementAndGet();
        return Optional.ofNullable(keys.get(id));
    }

    @Override
    public List<EnrolmentKey> list() {
        check();
        return new ArrayList<>(keys.values());
    }

    @Override
    public boolean replace(EnrolmentKey expected, EnrolmentKey updated) {
        check();
        writes.incrementAndGet();
        return keys.replace(expected.id(), expected, updated);
    }

    @Override
    public boolean remove(String id) {
        check();
        writes.incrementAndGet();
        return keys.remove(id) != null;
    }

    private void check() {
        if (failing) {
            throw new net.dtm.spi.store.StoreUnavailableException("store down (test)", null);
        }
    }
}
