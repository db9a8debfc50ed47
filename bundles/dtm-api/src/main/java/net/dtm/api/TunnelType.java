package net.dtm.api;

/** Encapsulation of the tunnel between a device and a server node. */
public enum TunnelType {
    /** VXLAN over UDP (works through NAT and on every kernel DTM targets). */
    VXLAN(1),
    /** GRE over IP. */
    GRE(2),
    /** IP in IP. */
    IPIP(3),
    /** WireGuard. */
    WIREGUARD(4);

    private final int code;

    TunnelType(int code) {
        this.code = code;
    }

    /** Stable wire code. */
    public int code() {
        return code;
    }

    /** @throws IllegalArgumentException for an unknown code */
    public static TunnelType fromCode(int code) {
        for (TunnelType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown tunnel type code " + code);
    }

    /** Parses a name case-insensitively, e.g. {@code vxlan}. */
    public static TunnelType parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown tunnel type '" + name + "', expected one of vxlan, gre, ipip, wireguard");
        }
    }
}
