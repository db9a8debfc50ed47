package net.dtm.api;

import java.time.Instant;
import java.util.Optional;

/**
 * The agent's view of its tunnel.
 *
 * @param device           this device
 * @param state            where the agent is
 * @param parameters       the parameters in force, if established
 * @param server           the server that served them, as host:port
 * @param establishedAt    when the current tunnel was established
 * @param lastEstablishMs  how long the last establishment took
 * @param expiresAt        when the lease lapses unless renewed
 */
public record TunnelStatus(DeviceId device, State state, Optional<TunnelParameters> parameters, Optional<String> server,
                           Optional<Instant> establishedAt, double lastEstablishMs, Optional<Instant> expiresAt) {

    /** Agent states. */
    public enum State {
        /** Not started or stopped. */
        IDLE,
        /** Asking servers. */
        ESTABLISHING,
        /** Holding valid parameters. */
        ESTABLISHED,
        /** Renewing a live tunnel. */
        RENEWING
    }
}
