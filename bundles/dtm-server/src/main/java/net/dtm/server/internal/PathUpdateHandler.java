package net.dtm.server.internal;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.PathUpdate;

/**
 * PATH: the device quotes its lease (like CONFIRM; a request older than the binding's persisted
 * mark is refused {@code stale-sequence}) and names the link now carrying its tunnel.
 * Only the device's tunnel server takes it; elsewhere it is refused {@code not-serving}
 * ({@code refused.path-not-served}). ACK.
 */
record PathUpdateHandler(RequestContext c) implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    @Override
    public CompletableFuture<Message> answer(Envelope request) {
        PathUpdate move = (PathUpdate) request.body();
        DeviceId device = request.device();
        DataPathEvents paths = c.dataPlane().events().orElse(null);
        Pool pool = c.pools().pool(move.pool())
                .orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE, "no pool " + move.pool()));
        Lease lease = c.pools().lease(move.pool(), device)
                .filter(l -> l.isActiveAt(Instant.now(c.clock())))
                .filter(l -> l.isQuotedBy(move.address(), pool.innerAddress(l.address()), move.leaseSequence()))
                .orElseThrow(() -> new DtmException(Reason.UNKNOWN_LEASE, "no active lease of device " + device
                        + " for " + move.address().getHostAddress() + " in pool " + move.pool()));
        if (request.sequence() < lease.deviceSequence()) {
            // older than a request already applied to the binding: a replay (e.g. after a restart)
            throw DtmException.staleSequence(device, request.sequence(), lease.deviceSequence());
        }
        if (paths == null || !paths.pathChanged(lease, pool, move.path(), request.sequence())) {
            c.counters().increment("refused.path-not-served");
            throw new DtmException(Reason.NOT_SERVING, "node " + c.nodeId()
                    + " is not the tunnel server of device " + device + ": send PATH to the node that confirmed the tunnel");
        }
        LOG.info("tunnel path moved: device={} pool={} address={} link={} outer={} node={}", device, lease.pool(),
                move.address().getHostAddress(), move.path().linkId(), move.path().localAddress(), c.nodeId());
        return CompletableFuture.completedFuture(new Ack(MessageType.PATH));
    }
}
