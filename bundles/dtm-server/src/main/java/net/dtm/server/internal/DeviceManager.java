package net.dtm.server.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.spi.store.DeviceStore;

/**
 * The device registry over a {@link DeviceStore}. Credentials are cached in memory because every
 * received datagram needs its device's key; the cache is filled on demand and an entry is dropped
 * when this node removes the device. (A device removed through another cluster node stays usable
 * here until this node restarts: the store SPI has no change notification yet.)
 */
public class DeviceManager implements DeviceService {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceManager.class);

    private final DeviceStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<DeviceId, DeviceCredential> cache = new ConcurrentHashMap<>();

    public DeviceManager(DeviceStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public DeviceManager(DeviceStore store) {
        this(store, Clock.systemUTC());
    }

    @Override
    public List<DeviceCredential> devices() {
        return store.list();
    }

    @Override
    public Optional<DeviceCredential> device(DeviceId id) {
        Objects.requireNonNull(id, "id");
        // computeIfAbsent makes load-and-put atomic with respect to remove(): a lookup racing a
        // removal can never put the removed credential back after remove() invalidated it.
        return Optional.ofNullable(cache.computeIfAbsent(id, d -> store.find(d).orElse(null)));
    }

    /**
     * Reads every enrolled device into the cache, as a node does when it starts, so the first
     * request of each device needs no store read. @return the number of devices
     */
    public int preload() {
        int n = 0;
        for (DeviceCredential c : store.list()) {
            cache.putIfAbsent(c.device(), c);
            n++;
        }
        return n;
    }

    /** The device's key for the request path, if it is enrolled. */
    public Optional<byte[]> key(DeviceId id) {
        return device(id).map(DeviceCredential::key);
    }

    @Override
    public DeviceCredential enroll(DeviceId id) {
        byte[] key = new byte[DeviceCredential.KEY_LENGTH];
        random.nextBytes(key);
        return enroll(id, key);
    }

    @Override
    public DeviceCredential enroll(DeviceId id, byte[] key) {
        Objects.requireNonNull(id, "id");
        DeviceCredential credential = new DeviceCredential(id, key, Instant.now(clock).truncatedTo(ChronoUnit.MILLIS));
        if (!store.add(credential)) {
            throw new IllegalArgumentException("device " + id + " is already enrolled");
        }
        LOG.info("device enrolled: device={}", id);
        return credential;
    }

    @Override
    public boolean remove(DeviceId id) {
        Objects.requireNonNull(id, "id");
        boolean removed = store.remove(id);
        cache.remove(id);
        if (removed) {
            LOG.info("device removed: device={}", id);
        }
        return removed;
    }
}
