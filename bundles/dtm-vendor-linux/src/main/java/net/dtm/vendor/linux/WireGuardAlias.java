package net.dtm.vendor.linux;

import java.net.InetAddress;
import java.util.Optional;

import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/**
 * What a WireGuard interface cannot tell by itself, kept in its interface alias ({@code ifalias},
 * the Linux counterpart of an interface description): the intent's local outer address (WireGuard
 * has no local address setting; the kernel's routing picks the source) and whether the listen port
 * was left to the kernel (listen port 0 reads back as the port the kernel chose). Written as
 * {@code dtm:local=192.0.2.1,listen-port=51820} by every command set that configures the peer.
 *
 * @param localOuter the intent's local outer address
 * @param listenPort the intent's listen port (0 = the kernel's choice)
 */
record WireGuardAlias(InetAddress localOuter, int listenPort) {

    private static final String PREFIX = "dtm:";

    /** The alias for {@code intent} (a WireGuard intent). */
    static WireGuardAlias of(TunnelIntent intent) {
        return new WireGuardAlias(intent.localOuter(), intent.wireGuard().map(WireGuardKeys::listenPort).orElse(0));
    }

    /** The alias text, without spaces so that it is one token of an {@code ip} batch line. */
    String render() {
        return PREFIX + "local=" + IpSyntax.address(localOuter) + ",listen-port=" + listenPort;
    }

    /** Reads an alias written by {@link #render()}; empty for any other text (an operator's own description). */
    static Optional<WireGuardAlias> parse(String alias) {
        if (alias == null || !alias.startsWith(PREFIX)) {
            return Optional.empty();
        }
        InetAddress local = null;
        Integer port = null;
        for (String part : alias.substring(PREFIX.length()).split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                return Optional.empty();
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1);
            try {
                if (key.equals("local")) {
                    local = net.dtm.api.Cidr.parseLiteral(value);
                } else if (key.equals("listen-port")) {
                    port = Integer.parseInt(value);
                }
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return local == null || port == null ? Optional.empty() : Optional.of(new WireGuardAlias(local, port));
    }
}
