package net.dtm.vendor.huaweivrp;

import java.util.List;

import net.dtm.spi.config.LinkSettingsBehaviour;

/** The MTU: {@code mtu N} in the tunnel's interface view. */
final class VrpLinkSettings implements LinkSettingsBehaviour {

    @Override
    public List<String> setMtu(String name, int mtu) {
        return List.of("interface " + VrpSyntax.tunnel(name), "mtu " + mtu, "quit");
    }
}
