package net.dtm.vendor.linux;

import java.net.InetAddress;
import java.util.List;

import net.dtm.spi.config.AddressingBehaviour;

/**
 * The inner address: {@code ip addr add A/P dev NAME} ({@code nodad} for IPv6: the address comes
 * from DTM's pool, and duplicate address detection would hold it tentative for a second or more, long
 * enough to fail the probe that follows the apply) and {@code ip addr del A/P dev NAME}.
 */
final class LinuxAddressing implements AddressingBehaviour {

    @Override
    public List<String> addAddress(String name, InetAddress address, int prefixLength) {
        return List.of("ip addr add " + IpSyntax.address(address) + "/" + prefixLength + " dev " + name
                + (IpSyntax.isIpv6(address) ? " nodad" : ""));
    }

    /** Nothing for the unspecified address: that is how a missing inner address reads back. */
    @Override
    public List<String> removeAddress(String name, InetAddress address, int prefixLength) {
        if (address.isAnyLocalAddress()) {
            return List.of();
        }
        return List.of("ip addr del " + IpSyntax.address(address) + "/" + prefixLength + " dev " + name);
    }
}
