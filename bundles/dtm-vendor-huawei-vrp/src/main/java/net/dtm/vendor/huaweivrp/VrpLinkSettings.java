package net.dtm.vendor.huaweivrp;

import java.util.List;

import net.dtm.spi.config.LinkSettingsBehaviour;

/** The MTU: {@code mtu N} in the tunnel's interface view. */
final class VrpLinkSettings implements LinkSettingsBehaviour {

    private final TunnelNumbers numbers;

    VrpLinkSettings(TunnelNumbers numbers) {
        this.numbers = numbers;
    }

    @Override
    public List<String> setMtu(String name, int mtu) {
        return List.of("interface " + numbers.interfaceOf(name), "mtu " + mtu, "quit");
    }
}
