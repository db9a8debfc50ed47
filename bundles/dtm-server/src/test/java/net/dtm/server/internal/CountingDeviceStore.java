package net.dtm.server.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/** A device store that counts the writes, reads and listings passed on to another (e.g. Derby). */
final class CountingDeviceStore implements DeviceStore {

    final DeviceStore store;
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger successfulWrites = new AtomicInteger();
    final AtomicInteger finds = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();

    CountingDeviceStore(DeviceStore store) {
        this.store = store;
    }

    @Override
    public boolean add(DeviceCredential credential) {
        return counted(store.add(credential));
    }

    @Override
    public Optional<DeviceCredential> find(DeviceId id) {
        finds.incrementAndGet();
        return store.find(id);
    }

    @Override
    public List<DeviceCredential> list() {
        lists.incrementAndGet();
        return store.list();
    }

    @Override
    public boolean remove(DeviceId id) {
        return counted(store.remove(id));
    }

    @Override
    public boolean replace(DeviceCredential expected, DeviceCredential updated) {
        return counted(store.replace(expected, updated));
    }

    @Override
    public Optional<Subscription> addDeviceListener(Listener listener) {
        return store.addDeviceListener(listener);
    }

    private boolean counted(boolean changed) {
        writes.incrementAndGet();
        if (changed) {
            successfulWrites.incrementAndGet();
        }
        return changed;
    }
}
