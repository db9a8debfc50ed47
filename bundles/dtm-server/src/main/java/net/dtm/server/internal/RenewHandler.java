package net.dtm.server.internal;

import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Lease;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;
import net.dtm.protocol.Params;
import net.dtm.protocol.Renew;

/**
 * RENEW: renews the lease the device quotes, if the request is fresh for the binding (as CONFIRM; while degraded, the pool manager renews known leases
 * unchanged: {@code renewals.while.degraded}) and answers PARAMS; a version 2 device's renewal
 * names its tunnel server, which this node's data path follows.
 */
record RenewHandler(RequestContext c) implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    @Override
    public CompletableFuture<Message> answer(Envelope request) {
        Renew renew = (Renew) request.body();
        boolean v2 = request.version() >= 2;
        Lease lease = c.pools().renew(renew.pool(), request.device(), renew.address(), renew.leaseSequence(),
                request.sequence());
        if (c.view().degraded()) {
            c.counters().increment("renewals.while.degraded");
        }
        LOG.debug("lease renewed: device={} pool={} address={} expires={} node={}", request.device(), lease.pool(),
                lease.address().getHostAddress(), lease.expiresAt(), c.nodeId());
        Params params = c.params().params(lease, false, v2);
        c.counters().increment(RequestHandler.LEASES_SERVED);
        if (v2) {
            c.dataPlane().events().ifPresent(paths -> c.pools().pool(lease.pool()).ifPresent(pool -> paths.renewed(lease,
                    pool, renew.tunnelServer(), renew.path(), c.settings().tunnelType(), request.sequence())));
        }
        return CompletableFuture.completedFuture(params);
    }
}
