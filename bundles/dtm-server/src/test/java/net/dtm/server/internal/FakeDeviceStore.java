package net.dtm.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.StoreUnavailableException;

/** In-memory device store that counts reads and tells listeners of changes, as a shared store does. */
class FakeDeviceStore implements DeviceStore {

    final Map<DeviceId, DeviceCredential> devices = new ConcurrentSkipListMap<>();
    final AtomicInteger finds = new AtomicInteger();
    final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** While true, every read fails as a store without its quorum does. */
    volatile boolean unreachable;

    @Override
    public boolean add(DeviceCredential credential) {
        return told(devices.putIfAbsent(credential.device(), credential) == null, credential.device());
    }

    @Override
    public Optional<DeviceCredential> find(DeviceId id) {
        finds.incrementAndGet();
        if (unreachable) {
            throw new StoreUnavailableException("store unreachable (test)", null);
        }
        return Optional.ofNullable(devices.get(id));
    }

    @Override
    public List<DeviceCredential> list() {
        return new ArrayList<>(devices.values());
    }

    @Override
    public boolean remove(DeviceId id) {
        return told(devices.remove(id) != null, id);
    }

    @Override
    public boolean replace(DeviceCredential expected, DeviceCredential updated) {
        return told(devices.replace(expected.device(), expected, updated), expected.device());
    }

    @Override
    public Optional<Subscription> addDeviceListener(Listener listener) {
        listeners.add(listener);
        return Optional.of(() -> listeners.remove(listener));
    }

    private boolean told(boolean changed, DeviceId id) {
        if (changed) {
            listeners.forEach(l -> l.changed(id));
        }
        return changed;
    }
}
