package net.dtm.vendor.openwrt;

import java.util.List;

import net.dtm.spi.config.LinkSettingsBehaviour;

/** The MTU as option {@code mtu} of the VXLAN interface, which netifd sets on the device. */
final class OpenWrtLinkSettings implements LinkSettingsBehaviour {

    @Override
    public List<String> setMtu(String name, int mtu) {
        return List.of(UciLine.set(UciNames.tunnel(name), "mtu", Integer.toString(mtu)));
    }
}
