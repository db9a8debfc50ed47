package net.dtm.transport;

import java.net.InetSocketAddress;

/**
 * Decides whether a datagram carrying a pending request's transaction id is a valid final answer.
 * It authenticates and decrypts; it may be called concurrently from several links' threads and must
 * not block.
 *
 * @param <T> what a valid answer turns into
 */
@FunctionalInterface
public interface ReplyMatcher<T> {

    /**
     * @param datagram the received datagram
     * @param from     its source address
     * @return the answer, or null if the datagram is not a valid final answer (the request keeps waiting)
     */
    T match(byte[] datagram, InetSocketAddress from);
}
