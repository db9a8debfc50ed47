package net.dtm.server.internal;

import java.util.concurrent.CompletableFuture;

import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;

/**
 * Applies one authenticated, new request of one message type and builds the answer body. A
 * refusal is thrown as a {@link net.dtm.api.DtmException} (the {@link RequestDispatch} turns it
 * into a NAK); anything else thrown is an internal error.
 */
@FunctionalInterface
interface MessageHandler {

    /** The answer to {@code request}, whose body is of the type this handler is registered for. */
    Message answer(Envelope request);

    /**
     * As {@link #answer}, for a handler whose answer waits for a store write: the future completes
     * with the answer once it is ready, or exceptionally with the refusal, on whatever thread ended
     * the write. The default answers on the calling thread.
     */
    default CompletableFuture<Message> answerAsync(Envelope request) {
        try {
            return CompletableFuture.completedFuture(answer(request));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
