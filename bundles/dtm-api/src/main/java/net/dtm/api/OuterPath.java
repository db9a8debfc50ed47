package net.dtm.api;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The link that carries a tunnel's outer packets on the device.
 *
 * @param linkId       the link's id on the device
 * @param localAddress the link's local outer address
 */
public record OuterPath(String linkId, InetSocketAddress localAddress) {
    public OuterPath {
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(localAddress, "localAddress");
    }
}
