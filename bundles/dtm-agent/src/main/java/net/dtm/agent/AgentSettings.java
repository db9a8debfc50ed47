package net.dtm.agent;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import net.dtm.api.DeviceId;
import net.dtm.api.TunnelType;

/**
 * What the agent needs to know.
 *
 * @param device         this device
 * @param key            the device's 32-byte key
 * @param servers        control endpoints of the servers to ask (replaced by the list a server pushes)
 * @param tunnelType     encapsulation wanted
 * @param pool           pool wanted, empty for the server's default
 * @param attemptTimeout how long one establishment or renewal attempt keeps trying
 * @param confirmTimeout how long one CONFIRM or RELEASE keeps trying
 * @param retryMin       first pause after a failed attempt (doubles per failure)
 * @param retryMax       longest pause between attempts
 */
public record AgentSettings(DeviceId device, byte[] key, List<InetSocketAddress> servers, TunnelType tunnelType,
                            String pool, Duration attemptTimeout, Duration confirmTimeout, Duration retryMin,
                            Duration retryMax) {
    public AgentSettings {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(tunnelType, "tunnelType");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        Objects.requireNonNull(retryMin, "retryMin");
        Objects.requireNonNull(retryMax, "retryMax");
        if (key.length != 32) {
            throw new IllegalArgumentException("device key must be 32 bytes (64 hex digits), got " + key.length + " bytes");
        }
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server is needed");
        }
        key = key.clone();
    }

    /** Defaults: VXLAN, server's default pool, 5 s attempts, 3 s confirms, retry pauses from 0.5 s to 30 s. */
    public static AgentSettings of(DeviceId device, byte[] key, List<InetSocketAddress> servers) {
        return new AgentSettings(device, key, servers, TunnelType.VXLAN, "", Duration.ofSeconds(5),
                Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /** The same settings with other timeouts. */
    public AgentSettings withTimeouts(Duration attempt, Duration confirm, Duration retryFirst, Duration retryLongest) {
        return new AgentSettings(device, key, servers, tunnelType, pool, attempt, confirm, retryFirst, retryLongest);
    }

    /** The same settings asking for another pool. */
    public AgentSettings withPool(String newPool) {
        return new AgentSettings(device, key, servers, tunnelType, newPool, attemptTimeout, confirmTimeout, retryMin, retryMax);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "AgentSettings[device=" + device + ", servers=" + servers + ", tunnelType=" + tunnelType + ", pool=" + pool + "]";
    }
}
