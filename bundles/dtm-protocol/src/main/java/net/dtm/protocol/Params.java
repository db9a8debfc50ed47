package net.dtm.protocol;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import net.dtm.api.TunnelParameters;

/**
 * PARAMS: the server's answer to ESTABLISH or RENEW.
 *
 * @param parameters    the tunnel parameters
 * @param pool          the pool the address came from
 * @param leaseSequence the lease's sequence number, quoted back in CONFIRM, RENEW and RELEASE
 * @param servers       control endpoints of the servers the device should know (at most 16)
 */
public record Params(TunnelParameters parameters, String pool, long leaseSequence, List<InetSocketAddress> servers)
        implements Message {
    public Params {
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(pool, "pool");
        servers = List.copyOf(servers);
        if (servers.size() > 16) {
            throw new IllegalArgumentException("at most 16 servers");
        }
    }

    @Override
    public MessageType type() {
        return MessageType.PARAMS;
    }
}
