package net.dtm.examples.link;

import java.util.Objects;

import net.dtm.spi.link.LinkKind;

/**
 * What one example link is.
 *
 * @param id       link id, unique on the device
 * @param kind     what kind of WAN the link stands for
 * @param bindHost local address of the UDP socket (a literal address or a host name)
 * @param bindPort local UDP port; 0 = ephemeral
 * @param mtu      largest datagram the link carries
 */
public record UdpLinkSettings(String id, LinkKind kind, String bindHost, int bindPort, int mtu) {
    public UdpLinkSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(bindHost, "bindHost");
        if (id.isBlank()) {
            throw new IllegalArgumentException("link id must not be empty");
        }
        if (bindPort < 0 || bindPort > 65_535) {
            throw new IllegalArgumentException("link " + id + ": bind port " + bindPort + " out of 0..65535");
        }
        if (mtu < 68 || mtu > 65_507) {
            throw new IllegalArgumentException("link " + id + ": mtu " + mtu + " out of 68..65507");
        }
    }
}
