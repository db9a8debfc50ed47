package net.dtm.protocol;

/** The body of a control message. Immutable. */
public sealed interface Message permits Establish, Params, Confirm, Renew, Release, Nak, Ack, PathUpdate {

    /** The type this body is carried as. */
    MessageType type();
}
