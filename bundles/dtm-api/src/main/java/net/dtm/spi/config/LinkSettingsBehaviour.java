package net.dtm.spi.config;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/** Settings of the tunnel interface that are not addressing: MTU. */
@ConsumerType
public interface LinkSettingsBehaviour extends Behaviour {

    /** Smallest inner MTU the device accepts for an IPv4 (false) or IPv6 (true) inner address. */
    default int minimumMtu(boolean ipv6) {
        return ipv6 ? 1280 : 576;
    }

    /** Commands that set the MTU of interface {@code name}. */
    List<String> setMtu(String name, int mtu);
}
