package net.dtm.protocol;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One of the device's links as the device sees it.
 *
 * @param linkId  the link id on the device (at most 32 ASCII characters)
 * @param kind    the link kind label, e.g. {@code 5g} (at most 16 ASCII characters)
 * @param address the link's local outer address
 */
public record LinkAddress(String linkId, String kind, InetSocketAddress address) {
    public LinkAddress {
        Objects.requireNonNull(linkId, "linkId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        if (linkId.length() > 32 || kind.length() > 16) {
            throw new IllegalArgumentException("link id or kind too long");
        }
    }
}
