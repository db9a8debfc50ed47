package net.dtm.link.emulated;

/**
 * A snapshot of an emulated link's counters. "Sent" and "received" count what actually crossed the
 * emulated link; "dropped" counts what the emulation (loss or outage) discarded in each direction.
 *
 * @param datagramsSent     datagrams put on the wire
 * @param bytesSent         their bytes
 * @param datagramsReceived datagrams handed to the handler
 * @param bytesReceived     their bytes
 * @param droppedOutbound   outgoing datagrams dropped by loss or outage
 * @param droppedInbound    incoming datagrams dropped by loss, outage or absence of a handler
 */
public record LinkCounters(long datagramsSent, long bytesSent, long datagramsReceived, long bytesReceived,
                           long droppedOutbound, long droppedInbound) {
}
