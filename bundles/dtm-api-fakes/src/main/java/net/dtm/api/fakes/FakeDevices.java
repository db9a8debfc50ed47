package net.dtm.api.fakes;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.DeviceService;

/** The device registry over a map; {@link #changes} counts successful writes. */
public final class FakeDevices implements DeviceService {
    public final Map<DeviceId, DeviceCredential> devices = new TreeMap<>();
    public int changes;

    @Override
    public List<DeviceCredential> devices() {
        return List.copyOf(devices.values());
    }

    @Override
    public Optional<DeviceCredential> device(DeviceId id) {
        return Optional.ofNullable(devices.get(id));
    }

    @Override
    public DeviceCredential enroll(DeviceId id) {
        byte[] key = new byte[DeviceCredential.KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        return enroll(id, key);
    }

    @Override
    public DeviceCredential enroll(DeviceId id, byte[] key) {
        if (devices.containsKey(id)) {
            throw new IllegalArgumentException("device " + id + " is already enrolled");
        }
        DeviceCredential c = new DeviceCredential(id, key, Instant.parse("2025-06-01T08:00:00Z"));
        devices.put(id, c);
        changes++;
        return c;
    }

    @Override
    public boolean remove(DeviceId id) {
        boolean removed = devices.remove(id) != null;
        changes += removed ? 1 : 0;
        return removed;
    }

    @Override
    public DeviceCredential rekey(DeviceId id, Duration overlap) {
        byte[] key = new byte[DeviceCredential.KEY_LENGTH];
        new SecureRandom().nextBytes(key);
        return rekey(id, key, overlap);
    }

    @Override
    public DeviceCredential rekey(DeviceId id, byte[] key, Duration overlap) {
        // as DeviceManager: without overlap the old key is kept, accepted until the re-key instant (not at all)
        DeviceCredential c = enrolled(id).rekeyed(key, FakePools.NOW.plus(overlap));
        devices.put(id, c);
        changes++;
        return c;
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
        DeviceCredential c = enrolled(id).withReenrolUntil(within.isZero() ? null : FakePools.NOW.plus(within));
        devices.put(id, c);
        return c;
    }

    private boolean setDisabled(DeviceId id, boolean disabled) {
        DeviceCredential c = enrolled(id);
        devices.put(id, c.withDisabled(disabled));
        changes += c.disabled() != disabled ? 1 : 0;
        return c.disabled() != disabled;
    }

    private DeviceCredential enrolled(DeviceId id) {
        DeviceCredential c = devices.get(id);
        if (c == null) {
            throw new IllegalArgumentException("device " + id + " is not enrolled");
        }
        return c;
    }
}
