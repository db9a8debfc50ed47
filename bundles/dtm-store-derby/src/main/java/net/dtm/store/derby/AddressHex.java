package net.dtm.store.derby;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/**
 * How the Derby store spells an address: the lowercase hex of its raw bytes (8 digits for IPv4, 32
 * for IPv6). One canonical spelling per address, and within one address family text order is
 * numeric address order, so {@code ORDER BY address} needs no vendor type.
 */
final class AddressHex {

    private AddressHex() {
    }

    /** Lowercase hex of the raw address bytes: canonical, and ordered like the address. */
    static String encode(InetAddress address) {
        return HexFormat.of().formatHex(address.getAddress());
    }

    static InetAddress decode(String hex) {
        try {
            return InetAddress.getByAddress(HexFormat.of().parseHex(hex));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("corrupt address '" + hex + "' in the store", e);
        }
    }
}
