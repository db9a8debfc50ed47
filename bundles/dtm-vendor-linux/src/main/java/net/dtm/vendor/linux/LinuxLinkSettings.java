package net.dtm.vendor.linux;

import java.util.List;

import net.dtm.spi.config.LinkSettingsBehaviour;

/** The MTU: {@code ip link set dev NAME mtu M}. */
final class LinuxLinkSettings implements LinkSettingsBehaviour {

    @Override
    public List<String> setMtu(String name, int mtu) {
        return List.of("ip link set dev " + name + " mtu " + mtu);
    }
}
