package net.dtm.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.spi.store.DeviceStore;

/** In-memory device store that counts reads. */
class FakeDeviceStore implements DeviceStore {

    final Map<DeviceId, DeviceCredential> devices = new ConcurrentSkipListMap<>();
    final AtomicInteger finds = new AtomicInteger();

    @Override
    public boolean add(DeviceCredential credential) {
        return devices.putIfAbsent(credential.device(), credential) == null;
    }

    @Override
    public Optional<DeviceCredential> find(DeviceId id) {
        finds.incrementAndGet();
        return Optional.ofNullable(devices.get(id));
    }

    @Override
    public List<DeviceCredential> list() {
        return new ArrayList<>(devices.values());
    }

    @Override
    public boolean remove(DeviceId id) {
        return devices.remove(id) != null;
    }
}
