package net.dtm.transport;

import java.time.Duration;

import net.dtm.spi.link.LinkKind;
import net.dtm.spi.link.LinkState;

/**
 * What the transport knows about one link.
 *
 * @param id                link id
 * @param kind              link kind
 * @param state             current state
 * @param srtt              smoothed round trip time ({@link Duration#ZERO} before the first sample)
 * @param rto               current retransmission timeout
 * @param lossEstimate      estimated round-trip loss (0..1): moving average of sends left unanswered
 * @param copies            copies of each datagram currently sent per server (grows with measured loss)
 * @param datagramsSent     datagrams handed to the link
 * @param bytesSent         their bytes
 * @param datagramsReceived datagrams received that belonged to a request
 * @param bytesReceived     their bytes
 * @param duplicates        answers that arrived after the request was already answered
 * @param unsolicited       datagrams for no pending request, or that could not be parsed
 * @param sendErrors        sends the link refused
 */
public record LinkStats(String id, LinkKind kind, LinkState state, Duration srtt, Duration rto, double lossEstimate,
                        int copies, long datagramsSent, long bytesSent, long datagramsReceived, long bytesReceived,
                        long duplicates, long unsolicited, long sendErrors) {
}
