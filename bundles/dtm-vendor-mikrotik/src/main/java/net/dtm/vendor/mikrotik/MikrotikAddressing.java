package net.dtm.vendor.mikrotik;

import static net.dtm.vendor.mikrotik.RouterOsSyntax.address;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.comment;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.ipMenu;
import static net.dtm.vendor.mikrotik.RouterOsSyntax.quote;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import net.dtm.spi.config.AddressingBehaviour;

/** The inner address: {@code /ip address} or {@code /ipv6 address} (not advertised), tagged as DTM's. */
final class MikrotikAddressing implements AddressingBehaviour {

    @Override
    public List<String> addAddress(String name, InetAddress a, int prefixLength) {
        String advertise = a instanceof Inet6Address ? " advertise=no" : "";
        return List.of(ipMenu(a) + " address add address=" + address(a) + "/" + prefixLength + " interface=" + name
                + advertise + " " + comment(name));
    }

    @Override
    public List<String> removeAddress(String name, InetAddress a, int prefixLength) {
        return List.of(ipMenu(a) + " address remove [find where address=" + quote(address(a) + "/" + prefixLength)
                + " interface=" + name + "]");
    }
}
