package net.dtm.server.internal;

import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Lease;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Confirm;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;

/**
 * CONFIRM: binds the offered lease the device quotes, if the request is fresh for the binding
 * (its sequence above the binding's persisted mark; a copy already applied is acknowledged without
 * a write); this node becomes its tunnel server. ACK.
 */
record ConfirmHandler(RequestContext c) implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    @Override
    public CompletableFuture<Message> answer(Envelope request) {
        Confirm confirm = (Confirm) request.body();
        return c.pools().confirmAsync(confirm.pool(), request.device(), confirm.address(), confirm.leaseSequence(),
                request.sequence()).thenApply(lease -> confirmed(request, lease));
    }

    private Message confirmed(Envelope request, Lease lease) {
        c.counters().increment(RequestHandler.LEASES_SERVED);
        c.dataPlane().events().ifPresent(paths -> c.pools().pool(lease.pool()).ifPresent(pool -> paths.confirmed(lease, pool)));
        LOG.debug("confirmed: device={} pool={} address={} node={}", request.device(), lease.pool(),
                lease.address().getHostAddress(), c.nodeId());
        return new Ack(MessageType.CONFIRM);
    }
}
