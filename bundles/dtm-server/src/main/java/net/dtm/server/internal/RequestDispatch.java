package net.dtm.server.internal;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;
import net.dtm.protocol.MessageType;
import net.dtm.protocol.Nak;

/**
 * The request types a node serves, each with its {@link MessageHandler}, and the one place a
 * handler's refusal becomes a NAK: a {@link DtmException} is answered with its reason and text
 * (cut to the wire's 200 bytes), anything else with {@code internal}.
 */
final class RequestDispatch {

    private static final Logger LOG = LoggerFactory.getLogger(RequestHandler.class);
    /** Longest NAK text the wire carries, in bytes of UTF-8. */
    static final int MAX_NAK_TEXT = 200;

    private final Map<MessageType, MessageHandler> handlers;
    private final String nodeId;

    /**
     * @param handlers the handler of each request type served
     * @param nodeId   this node, for the log
     */
    RequestDispatch(Map<MessageType, MessageHandler> handlers, String nodeId) {
        this.handlers = new EnumMap<>(handlers);
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    /** A server node's requests: ESTABLISH, CONFIRM, RENEW, RELEASE and PATH. */
    static RequestDispatch serverRequests(RequestContext context) {
        Map<MessageType, MessageHandler> handlers = new EnumMap<>(MessageType.class);
        handlers.put(MessageType.ESTABLISH, new EstablishHandler(context));
        handlers.put(MessageType.CONFIRM, new ConfirmHandler(context));
        handlers.put(MessageType.RENEW, new RenewHandler(context));
        handlers.put(MessageType.RELEASE, new ReleaseHandler(context));
        handlers.put(MessageType.PATH, new PathUpdateHandler(context));
        return new RequestDispatch(handlers, context.nodeId());
    }

    /** Whether requests of {@code type} are served here. */
    boolean serves(MessageType type) {
        return handlers.containsKey(type);
    }

    /**
     * Applies one new request; the future completes with the answer body once it is ready (see
     * {@link MessageHandler#answer}). Never throws, never completes exceptionally.
     */
    CompletableFuture<Message> answer(Envelope request) {
        CompletableFuture<Message> answer;
        try {
            answer = handler(request).answer(request);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((body, failure) -> {
            if (failure == null) {
                return body;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                    : failure;
            return cause instanceof RuntimeException e ? refusal(request, e)
                    : refusal(request, new IllegalStateException(cause));
        });
    }

    private MessageHandler handler(Envelope request) {
        MessageHandler handler = handlers.get(request.type());
        if (handler == null) {
            throw new DtmException(Reason.BAD_REQUEST, "not a request: " + request.type());
        }
        return handler;
    }

    /** The NAK for a handler's refusal ({@link DtmException}) or failure (anything else: internal). */
    private Message refusal(Envelope request, RuntimeException failure) {
        if (failure instanceof DtmException e) {
            LOG.debug("refused {} of device={}: {} {}", request.type(), request.device(), e.reason().label(), e.getMessage());
            return nak(e.reason(), e.getMessage(), e.deviceSequence());
        }
        LOG.error("internal error handling {} of device={} on node={}", request.type(), request.device(), nodeId, failure);
        return nak(Reason.INTERNAL, "internal error");
    }

    /** A NAK whose text fits the wire; no text = the reason's label. */
    static Nak nak(Reason reason, String text) {
        return nak(reason, text, 0);
    }

    /** Likewise, with the device's sequence mark of a {@code stale-sequence} refusal (0 for none). */
    static Nak nak(Reason reason, String text, long sequenceMark) {
        String t = text == null ? reason.label() : text;
        // our texts are ASCII apart from ids: cut a character at a time until it fits
        while (t.getBytes(StandardCharsets.UTF_8).length > MAX_NAK_TEXT) {
            t = t.substring(0, t.length() - 1);
        }
        return new Nak(reason, t, sequenceMark);
    }
}
