package net.dtm.api;

import java.time.Duration;
import java.util.Optional;

/**
 * One WAN link as the multi-link transport sees it: identity, state, and what it has measured.
 *
 * @param id                the link id on the device
 * @param kind              kind label, e.g. {@code 5g}, {@code lte}, {@code satellite}
 * @param state             {@code up}, {@code degraded} or {@code down} as the driver reports it
 * @param enabled           false if an operator disabled the link (the transport then never uses it)
 * @param metered           true if traffic costs per byte (used by policy, e.g. satellite only as backup)
 * @param localAddress      local outer address as host:port, if bound
 * @param publicAddress     outer address after NAT as servers see it, if known
 * @param srtt              smoothed round trip, zero before the first sample
 * @param rto               current retransmission timeout
 * @param lossEstimate      estimated round-trip loss, 0..1
 * @param copies            copies per server the transport currently sends on this link
 * @param datagramsSent     datagrams sent
 * @param bytesSent         bytes sent
 * @param datagramsReceived datagrams received
 * @param bytesReceived     bytes received
 * @param duplicates        answers that arrived after another copy had already won
 */
public record LinkInfo(String id, String kind, String state, boolean enabled, boolean metered,
                       Optional<String> localAddress, Optional<String> publicAddress, Duration srtt, Duration rto,
                       double lossEstimate, int copies, long datagramsSent, long bytesSent, long datagramsReceived,
                       long bytesReceived, long duplicates) {
}
