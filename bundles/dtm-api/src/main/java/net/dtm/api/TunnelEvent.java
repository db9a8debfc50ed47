package net.dtm.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A change of the device's tunnel, published by the agent to every {@link TunnelListener}.
 *
 * @param type       what happened
 * @param device     this device
 * @param parameters the parameters in force after the change (empty for RELEASED and LOST)
 * @param previous   the parameters before the change, if there were any
 * @param path       the link carrying the tunnel after the change (empty when no link is usable)
 * @param time       when it happened
 */
public record TunnelEvent(Type type, DeviceId device, Optional<TunnelParameters> parameters,
                          Optional<TunnelParameters> previous, Optional<OuterPath> path, Instant time) {

    /** Tunnel life cycle on the device. */
    public enum Type {
        /** A tunnel was established (first, or after the previous one was lost or released). */
        ESTABLISHED,
        /** A renewal brought parameters that differ in something other than the lease time. */
        PARAMETERS_CHANGED,
        /** The outer path moved to another link or the carrying link's address changed. */
        PATH_MOVED,
        /** The device released its tunnel. */
        RELEASED,
        /** The tunnel was lost (lease refused or expired); the agent is establishing again. */
        LOST
    }

    public TunnelEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(time, "time");
    }
}
