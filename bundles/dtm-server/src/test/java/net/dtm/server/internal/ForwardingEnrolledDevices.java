package net.dtm.server.internal;

import java.util.Optional;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;

/** Passes every call on to another {@link EnrolledDevices}; tests override the call they interfere with. */
class ForwardingEnrolledDevices implements EnrolledDevices {

    private final EnrolledDevices to;

    ForwardingEnrolledDevices(EnrolledDevices to) {
        this.to = to;
    }

    @Override
    public Optional<DeviceCredential> stored(DeviceId id) {
        return to.stored(id);
    }

    @Override
    public boolean addEnrolled(DeviceCredential credential) {
        return to.addEnrolled(credential);
    }

    @Override
    public boolean replaceEnrolled(DeviceCredential expected, DeviceCredential updated) {
        return to.replaceEnrolled(expected, updated);
    }
}
