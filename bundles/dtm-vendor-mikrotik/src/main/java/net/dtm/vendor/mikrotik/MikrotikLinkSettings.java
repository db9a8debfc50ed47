package net.dtm.vendor.mikrotik;

import java.util.List;

import net.dtm.spi.config.LinkSettingsBehaviour;

/**
 * The MTU, set through the generic {@code /interface} menu so that one line serves every tunnel
 * type (RouterOS accepts 68..65535 there; the core's minimums are higher).
 */
final class MikrotikLinkSettings implements LinkSettingsBehaviour {

    @Override
    public List<String> setMtu(String name, int mtu) {
        return List.of("/interface set [find where name=" + name + "] mtu=" + mtu);
    }
}
