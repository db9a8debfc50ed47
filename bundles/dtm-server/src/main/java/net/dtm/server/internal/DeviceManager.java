package net.dtm.server.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;
import net.dtm.spi.store.DeviceStore;

/**
 * The device registry over a {@link DeviceStore}: enrolment, removal, re-keying, disabling, and
 * the devices of the request path from a {@link DeviceCache}, which the store's change
 * notification keeps true on every node (a device changed through any node is seen here within
 * a second). Changes are compare-and-set on the stored record, so two nodes changing one device
 * at once never lose a change. Every change is logged with the device id, never a key.
 */
public class DeviceManager implements DeviceService, EnrolledDevices, DevicesInMemory, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceManager.class);
    private static final int CHANGE_ATTEMPTS = 5;

    private final DeviceStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final DeviceCache cache;
    private final Optional<DeviceStore.Subscription> subscription;

    /** A registry whose unknown-device memory has the given bound and lifetime. */
    public DeviceManager(DeviceStore store, Clock clock, int unknownCapacity, Duration unknownTtl) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = new DeviceCache(store, clock, unknownCapacity, unknownTtl);
        this.subscription = store.addDeviceListener(cache);
        cache.watched(subscription.isPresent());
        if (subscription.isEmpty()) {
            LOG.warn("device store {} reports no changes: a device changed through another node is seen here after {}",
                    store.getClass().getName(), unknownTtl);
        }
    }

    public DeviceManager(DeviceStore store, Clock clock) {
        this(store, clock, DeviceCache.UNKNOWN_CAPACITY, DeviceCache.UNKNOWN_TTL);
    }

    public DeviceManager(DeviceStore store) {
        this(store, Clock.systemUTC());
    }

    /** Stops listening to the store's changes. */
    @Override
    public void close() {
        subscription.ifPresent(DeviceStore.Subscription::close);
    }

    @Override
    public List<DeviceCredential> devices() {
        return store.list();
    }

    @Override
    public Optional<DeviceCredential> device(DeviceId id) {
        return cache.get(Objects.requireNonNull(id, "id"));
    }

    /**
     * Reads every enrolled device into the cache, as a node does when it starts, so the first
     * request of each device needs no store read. @return the number of devices
     */
    public int preload() {
        return cache.preload();
    }

    @Override
    public boolean inMemory(DeviceId id) {
        return cache.holds(id);
    }

    /** The device's current key, if it is enrolled. */
    public Optional<byte[]> key(DeviceId id) {
        return device(id).map(DeviceCredential::key);
    }

    /** Lookups answered from a stale record because the store could not be read (see {@link DeviceCache}). */
    public long staleAnswers() {
        return cache.staleAnswers();
    }

    /** Store reads of the request path so far that found no device (the unknown-device flood's cost). */
    public long unknownStoreReads() {
        return cache.unknownStoreReads();
    }

    /** All store reads of the request path so far. */
    public long storeReads() {
        return cache.storeReads();
    }

    @Override
    public DeviceCredential enroll(DeviceId id) {
        return enroll(id, freshKey());
    }

    @Override
    public DeviceCredential enroll(DeviceId id, byte[] key) {
        Objects.requireNonNull(id, "id");
        DeviceCredential credential = new DeviceCredential(id, key, now());
        if (!store.add(credential)) {
            throw new IllegalArgumentException("device " + id + " is already enrolled");
        }
        cache.changed(id); // at once here; other nodes through the store's notification
        LOG.info("device enrolled: device={}", id);
        return credential;
    }

    @Override
    public boolean remove(DeviceId id) {
        Objects.requireNonNull(id, "id");
        boolean removed = store.remove(id);
        cache.changed(id);
        if (removed) {
            LOG.info("device removed: device={}", id);
        }
        return removed;
    }

    @Override
    public DeviceCredential rekey(DeviceId id, Duration overlap) {
        return rekey(id, freshKey(), overlap);
    }

    @Override
    public DeviceCredential rekey(DeviceId id, byte[] key, Duration overlap) {
        Objects.requireNonNull(overlap, "overlap");
        if (overlap.isNegative()) {
            throw new IllegalArgumentException("the overlap must not be negative");
        }
        new DeviceCredential(id, key, Instant.EPOCH); // checks the key before anything changes
        Instant now = now();
        Instant until = now.plus(overlap); // no overlap: the old key is kept (a key fetch is sealed with it), not accepted
        DeviceCredential updated = change(id, c -> c.rekeyed(key, until));
        if (overlap.isZero()) {
            LOG.info("device re-keyed: device={}, previous key no longer accepted", id);
        } else {
            LOG.info("device re-keyed: device={}, previous key accepted until {}", id, until);
        }
        return updated;
    }

    @Override
    public boolean disable(DeviceId id) {
        return setDisabled(id, true);
    }

    @Override
    public boolean enable(DeviceId id) {
        return setDisabled(id, false);
    }

    @Override
    public DeviceCredential allowReenrolment(DeviceId id, Duration within) {
        Objects.requireNonNull(within, "within");
        if (within.isNegative()) {
            throw new IllegalArgumentException("the re-enrolment allowance must not be negative");
        }
        Instant until = within.isZero() ? null : now().plus(within);
        DeviceCredential updated = change(id, c -> c.withReenrolUntil(until));
        if (until == null) {
            LOG.info("device re-enrolment withdrawn: device={}", id);
        } else {
            LOG.info("device re-enrolment allowed: device={} until {}", id, until);
        }
        return updated;
    }

    @Override
    public Optional<DeviceCredential> stored(DeviceId id) {
        return store.find(Objects.requireNonNull(id, "id"));
    }

    @Override
    public boolean addEnrolled(DeviceCredential credential) {
        boolean added = store.add(credential);
        cache.changed(credential.device());
        return added;
    }

    @Override
    public boolean replaceEnrolled(DeviceCredential expected, DeviceCredential updated) {
        boolean replaced = store.replace(expected, updated);
        cache.changed(expected.device());
        return replaced;
    }

    private boolean setDisabled(DeviceId id, boolean disabled) {
        boolean[] changed = {false};
        change(id, c -> {
            changed[0] = c.disabled() != disabled;
            return changed[0] ? c.withDisabled(disabled) : c;
        });
        if (changed[0]) {
            LOG.info("device {}: device={}", disabled ? "disabled" : "enabled", id);
        }
        return changed[0];
    }

    /**
     * Applies {@code how} to the stored record, compare-and-set, again on a concurrent change.
     * @throws IllegalArgumentException if the device is not enrolled
     */
    private DeviceCredential change(DeviceId id, UnaryOperator<DeviceCredential> how) {
        Objects.requireNonNull(id, "id");
        for (int attempt = 0; attempt < CHANGE_ATTEMPTS; attempt++) {
            DeviceCredential current = store.find(id)
                    .orElseThrow(() -> new IllegalArgumentException("device " + id + " is not enrolled"));
            DeviceCredential updated = how.apply(current);
            if (updated.equals(current) || store.replace(current, updated)) {
                cache.changed(id);
                return updated;
            }
        }
        throw new IllegalStateException("device " + id + " kept changing concurrently; nothing changed, try again");
    }

    private byte[] freshKey() {
        return freshKey(random);
    }

    private Instant now() {
        return now(clock);
    }

    /** A new random device key. */
    static byte[] freshKey(SecureRandom random) {
        byte[] key = new byte[DeviceCredential.KEY_LENGTH];
        random.nextBytes(key);
        return key;
    }

    /** The time as device records keep it (milliseconds, as every store does, so compare-and-set matches). */
    static Instant now(Clock clock) {
        return Instant.now(clock).truncatedTo(ChronoUnit.MILLIS);
    }
}
