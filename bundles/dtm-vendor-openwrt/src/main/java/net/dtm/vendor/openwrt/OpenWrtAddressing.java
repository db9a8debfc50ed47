package net.dtm.vendor.openwrt;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import net.dtm.api.Cidr;
import net.dtm.spi.config.AddressingBehaviour;

/** The inner address as option {@code ipaddr} (IPv4) or {@code ip6addr} (IPv6), in CIDR form, of {@code <name>_inner}. */
final class OpenWrtAddressing implements AddressingBehaviour {

    @Override
    public List<String> addAddress(String name, InetAddress address, int prefixLength) {
        return List.of(UciLine.set(UciNames.inner(name), option(address), Cidr.format(address) + "/" + prefixLength));
    }

    @Override
    public List<String> removeAddress(String name, InetAddress address, int prefixLength) {
        return List.of(UciLine.delete(UciNames.inner(name), option(address)));
    }

    static String option(InetAddress address) {
        return address instanceof Inet6Address ? "ip6addr" : "ipaddr";
    }
}
