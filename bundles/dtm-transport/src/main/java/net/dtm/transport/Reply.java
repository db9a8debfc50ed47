package net.dtm.transport;

import java.net.InetSocketAddress;

/**
 * The first valid answer to a request.
 *
 * @param value        what the matcher made of it
 * @param server       the address it came from
 * @param linkId       the link it arrived on
 * @param elapsedNanos time from the request's first send to its arrival
 * @param <T>          the answer type
 */
public record Reply<T>(T value, InetSocketAddress server, String linkId, long elapsedNanos) {

    /** Elapsed time in milliseconds. */
    public double elapsedMillis() {
        return elapsedNanos / 1_000_000.0;
    }
}
