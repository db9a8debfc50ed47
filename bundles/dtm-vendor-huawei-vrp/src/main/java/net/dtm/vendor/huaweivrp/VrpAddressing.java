package net.dtm.vendor.huaweivrp;

import java.net.InetAddress;
import java.util.List;

import net.dtm.spi.config.AddressingBehaviour;

/**
 * The inner address in the tunnel's interface view: {@code ip address A MASK} for IPv4;
 * {@code ipv6 enable} and {@code ipv6 address A/LEN} for IPv6. Removing takes the address off
 * ({@code undo ip address A MASK}, {@code undo ipv6 address A/LEN}) and leaves IPv6 enabled.
 */
final class VrpAddressing implements AddressingBehaviour {

    private final TunnelNumbers numbers;

    VrpAddressing(TunnelNumbers numbers) {
        this.numbers = numbers;
    }

    @Override
    public List<String> addAddress(String name, InetAddress address, int prefixLength) {
        if (VrpSyntax.isIpv6(address)) {
            return List.of("interface " + numbers.interfaceOf(name), "ipv6 enable",
                    "ipv6 address " + VrpSyntax.address(address) + "/" + prefixLength, "quit");
        }
        return List.of("interface " + numbers.interfaceOf(name),
                "ip address " + VrpSyntax.address(address) + " " + VrpSyntax.mask(prefixLength), "quit");
    }

    /** Nothing for the unspecified address: that is how a missing inner address reads back. */
    @Override
    public List<String> removeAddress(String name, InetAddress address, int prefixLength) {
        if (address.isAnyLocalAddress()) {
            return List.of();
        }
        if (VrpSyntax.isIpv6(address)) {
            return List.of("interface " + numbers.interfaceOf(name),
                    "undo ipv6 address " + VrpSyntax.address(address) + "/" + prefixLength, "quit");
        }
        return List.of("interface " + numbers.interfaceOf(name),
                "undo ip address " + VrpSyntax.address(address) + " " + VrpSyntax.mask(prefixLength), "quit");
    }
}
