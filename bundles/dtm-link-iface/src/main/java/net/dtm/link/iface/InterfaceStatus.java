package net.dtm.link.iface;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What the operating system says about a network interface at one moment.
 *
 * @param up        true if the interface exists and is up
 * @param addresses its addresses, in the system's order
 */
public record InterfaceStatus(boolean up, List<InetAddress> addresses) {

    /** The interface does not exist (e.g. the modem is unplugged). */
    public static final InterfaceStatus ABSENT = new InterfaceStatus(false, List.of());

    public InterfaceStatus {
        addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    }

    /** An interface that is up with these addresses. */
    public static InterfaceStatus upWith(InetAddress... addresses) {
        return new InterfaceStatus(true, List.of(addresses));
    }
}
