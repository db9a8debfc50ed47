package net.dtm.spi.link;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One WAN link of a device, published as an OSGi service by a link driver bundle (one service per
 * link, usually from a factory configuration). The multi-link transport tracks these services and
 * sends every control message over each usable link.
 */
@ConsumerType
public interface LinkDriver {

    /** Service property: the link id (string, unique on the device). */
    String PROP_LINK_ID = "dtm.link.id";
    /** Service property: the link kind label, see {@link LinkKind#label()}. */
    String PROP_LINK_KIND = "dtm.link.kind";

    /** Unique id of this link on the device, e.g. {@code lte0}. */
    String id();

    /** What kind of link it is. */
    LinkKind kind();

    /** Current usability. */
    LinkState state();

    /** The local socket address datagrams leave from, if bound. */
    Optional<InetSocketAddress> localAddress();

    /** The address servers see (after NAT), where known. */
    default Optional<InetSocketAddress> publicAddress() {
        return Optional.empty();
    }

    /** Largest datagram payload the link carries. */
    default int mtu() {
        return 1400;
    }

    /** True if traffic on this link costs money per byte (satellite, roaming). */
    default boolean metered() {
        return false;
    }

    /**
     * Sends one datagram. Returns without blocking for delivery; a lossy link may drop it.
     *
     * @throws IOException if the link is down or the datagram cannot be sent
     */
    void send(InetSocketAddress destination, byte[] datagram) throws IOException;

    /**
     * Starts delivering received datagrams and state changes to {@code handler}, replacing any
     * previous handler.
     */
    void setHandler(LinkHandler handler);
}
