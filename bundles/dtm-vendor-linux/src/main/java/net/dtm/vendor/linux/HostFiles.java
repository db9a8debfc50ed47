package net.dtm.vendor.linux;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The files of the operating system the adapter reads directly (tests point them elsewhere).
 *
 * @param proc      the proc file system
 * @param sysModule the kernel's module directory in sysfs
 * @param netnsDir  where {@code ip netns} keeps named namespaces
 * @param tunDevice the TUN clone device wireguard-go needs
 */
record HostFiles(Path proc, Path sysModule, Path netnsDir, Path tunDevice) {

    /** The real ones. */
    static final HostFiles SYSTEM = new HostFiles(Path.of("/proc"), Path.of("/sys/module"), Path.of("/run/netns"),
            Path.of("/dev/net/tun"));

    HostFiles {
        Objects.requireNonNull(proc, "proc");
        Objects.requireNonNull(sysModule, "sysModule");
        Objects.requireNonNull(netnsDir, "netnsDir");
        Objects.requireNonNull(tunDevice, "tunDevice");
    }
}
