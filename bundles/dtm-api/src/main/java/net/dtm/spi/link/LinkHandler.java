package net.dtm.spi.link;

import java.net.InetSocketAddress;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives what a link delivers. Called from the driver's threads; must not block. */
@ConsumerType
public interface LinkHandler {

    /** A datagram arrived on {@code link} from {@code source}. */
    void received(LinkDriver link, InetSocketAddress source, byte[] datagram);

    /** The link's state or addresses changed. */
    default void stateChanged(LinkDriver link, LinkState state) {
    }
}
