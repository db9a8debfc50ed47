package net.dtm.vendor.linux;

/** Where WireGuard runs on a target. */
enum WireGuardMode {
    /** The kernel's wireguard module: {@code ip link add type wireguard}. */
    KERNEL,
    /** wireguard-go on a TUN device. */
    USER_SPACE,
    /** Neither is available. */
    MISSING
}
