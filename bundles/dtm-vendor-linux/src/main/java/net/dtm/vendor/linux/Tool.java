package net.dtm.vendor.linux;

/** The programs the adapter runs, with the Debian package that provides each (for error messages). */
enum Tool {
    /** iproute2's {@code ip}: reads and changes links, addresses and routes. */
    IP("ip", "iproute2"),
    /** WireGuard's configuration tool. */
    WG("wg", "wireguard-tools"),
    /** WireGuard in user space, for kernels without the wireguard module. */
    WIREGUARD_GO("wireguard-go", "wireguard-go"),
    /** Sends the probe through a tunnel. */
    PING("ping", "iputils-ping"),
    /** Tells whether a kernel module could be loaded ({@code modprobe -n}). */
    MODPROBE("modprobe", "kmod");

    private final String program;
    private final String debianPackage;

    Tool(String program, String debianPackage) {
        this.program = program;
        this.debianPackage = debianPackage;
    }

    /** The program's name. */
    String program() {
        return program;
    }

    /** A sentence for an operator: which package to install. */
    String notFound() {
        return program + " not found: install " + debianPackage;
    }
}
