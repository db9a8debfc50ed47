package net.dtm.vendor.huaweivrp;

import java.net.InetAddress;
import java.util.List;

import net.dtm.spi.config.AddressingBehaviour;

/** The inner address: {@code ip address A MASK} in the tunnel's interface view, {@code undo ip address A MASK} to remove it. */
final class VrpAddressing implements AddressingBehaviour {

    @Override
    public List<String> addAddress(String name, InetAddress address, int prefixLength) {
        return List.of("interface " + VrpSyntax.tunnel(name),
                "ip address " + VrpSyntax.address(address) + " " + VrpSyntax.mask(prefixLength), "quit");
    }

    /** Nothing for the unspecified address: that is how a missing inner address reads back. */
    @Override
    public List<String> removeAddress(String name, InetAddress address, int prefixLength) {
        if (address.isAnyLocalAddress()) {
            return List.of();
        }
        return List.of("interface " + VrpSyntax.tunnel(name),
                "undo ip address " + VrpSyntax.address(address) + " " + VrpSyntax.mask(prefixLength), "quit");
    }
}
