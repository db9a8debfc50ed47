package net.dtm.examples.link;

import java.util.Objects;

import net.dtm.spi.link.LinkKind;

/**
 * What one example link is.
 *
 * @param id        link id, unique on the device
 * @param kindLabel what kind of WAN the link stands for: a label {@link LinkKind} names (e.g.
 *                  {@code ethernet}) or the carrier's own (e.g. {@code starlink}, kind OTHER)
 * @param bindHost  local address of the UDP socket (a literal address or a host name)
 * @param bindPort  local UDP port; 0 = ephemeral
 * @param mtu       largest datagram the link carries
 */
public record UdpLinkSettings(String id, String kindLabel, String bindHost, int bindPort, int mtu) {
    public UdpLinkSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kindLabel, "kindLabel");
        Objects.requireNonNull(bindHost, "bindHost");
        if (id.isBlank()) {
            throw new IllegalArgumentException("link id must not be empty");
        }
        if (!LinkKind.isValidLabel(kindLabel)) {
            throw new IllegalArgumentException("link " + id + ": kind '" + kindLabel
                    + "' is not a label (1 to 16 of a-z 0-9 . _ -)");
        }
        if (bindPort < 0 || bindPort > 65_535) {
            throw new IllegalArgumentException("link " + id + ": bind port " + bindPort + " out of 0..65535");
        }
        if (mtu < 68 || mtu > 65_507) {
            throw new IllegalArgumentException("link " + id + ": mtu " + mtu + " out of 68..65507");
        }
    }

    /** A link of a kind {@link LinkKind} names. */
    public UdpLinkSettings(String id, LinkKind kind, String bindHost, int bindPort, int mtu) {
        this(id, Objects.requireNonNull(kind, "kind").label(), bindHost, bindPort, mtu);
    }

    /** The kind: the one named by the label, OTHER for the carrier's own. */
    public LinkKind kind() {
        return LinkKind.forLabel(kindLabel);
    }
}
