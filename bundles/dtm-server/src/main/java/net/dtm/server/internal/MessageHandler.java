package net.dtm.server.internal;

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
}
