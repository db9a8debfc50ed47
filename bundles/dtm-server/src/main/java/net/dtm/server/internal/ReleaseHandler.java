package net.dtm.server.internal;

import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.protocol.Ack;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Release;

/**
 * RELEASE: gives back the lease the device quotes ({@code unknown-lease} if it holds none, or not
 * that instance of it), if the request is fresh for the binding (as CONFIRM). ACK.
 */
record ReleaseHandler(RequestContext c) implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);

    @Override
    public CompletableFuture<Message> answer(Envelope request) {
        Release release = (Release) request.body();
        DeviceId device = request.device();
        if (!c.pools().release(release.pool(), device, release.address(), release.leaseSequence(), request.sequence())) {
            throw new DtmException(Reason.UNKNOWN_LEASE, "no lease of device " + device + " in pool " + release.pool());
        }
        c.dataPlane().events().ifPresent(paths -> c.pools().lease(release.pool(), device).ifPresent(paths::released));
        LOG.info("lease released: device={} pool={} address={} node={}", device, release.pool(),
                release.address().getHostAddress(), c.nodeId());
        return CompletableFuture.completedFuture(new Ack(MessageType.RELEASE));
    }
}
