package net.dtm.link.iface;

import java.util.Objects;

import net.dtm.spi.link.LinkKind;

/**
 * How a link bound to a network interface is set up.
 *
 * @param id            link id, unique on the device
 * @param kind          what kind of WAN the interface is
 * @param interfaceName the OS interface, e.g. {@code wwan0}
 * @param port          local UDP port, 0 for an ephemeral one (a new one at each rebind)
 * @param mtu           largest datagram the link accepts
 * @param pollMs        how often the interface's state and address are read from the system
 * @param metered       true if traffic costs per byte
 */
public record InterfaceLinkSettings(String id, LinkKind kind, String interfaceName, int port, int mtu, long pollMs,
                                    boolean metered) {
    public InterfaceLinkSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (id.isBlank()) {
            throw new IllegalArgumentException("link id must not be blank");
        }
        if (interfaceName.isBlank()) {
            throw new IllegalArgumentException("link " + id + ": interface must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("link " + id + ": port must be within 0..65535, got " + port);
        }
        if (mtu < 68 || mtu > 65_507) {
            throw new IllegalArgumentException("link " + id + ": mtu must be within 68..65507, got " + mtu);
        }
        if (pollMs < 10) {
            throw new IllegalArgumentException("link " + id + ": poll.ms must be >= 10, got " + pollMs);
        }
    }
}
