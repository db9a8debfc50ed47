package net.dtm.server.internal;

import java.util.concurrent.CompletableFuture;

import net.dtm.protocol.Envelope;
import net.dtm.protocol.Message;

/**
 * Applies one authenticated, new request of one message type and builds the answer body. A
 * refusal is a {@link net.dtm.api.DtmException}, thrown or completing the future (the
 * {@link RequestDispatch} turns it into a NAK); anything else is an internal error.
 */
@FunctionalInterface
interface MessageHandler {

    /**
     * The answer to {@code request}, whose body is of the type this handler is registered for: at
     * once, or (ESTABLISH, CONFIRM) once its store write ends, completed on the thread that ended it.
     */
    CompletableFuture<Message> answer(Envelope request);
}
