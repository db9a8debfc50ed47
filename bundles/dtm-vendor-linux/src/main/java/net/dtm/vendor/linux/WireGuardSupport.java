package net.dtm.vendor.linux;

import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.ConfigException;

/**
 * Decides once per session where WireGuard runs: in the kernel when it has the wireguard module,
 * otherwise in user space when wireguard-go is installed and the TUN device exists; logs the choice.
 */
final class WireGuardSupport {
    private static final Logger LOG = LoggerFactory.getLogger(WireGuardSupport.class);

    private final LinuxHost host;
    private final KernelModules modules;
    private final Path tunDevice;
    private WireGuardMode mode;

    WireGuardSupport(LinuxHost host, KernelModules modules, Path tunDevice) {
        this.host = host;
        this.modules = modules;
        this.tunDevice = tunDevice;
    }

    /** Where WireGuard runs on this target, probed on the first call. */
    WireGuardMode mode() throws ConfigException {
        if (mode == null) {
            if (modules.available("wireguard")) {
                mode = WireGuardMode.KERNEL;
                LOG.info("linux adapter, {}: WireGuard runs in the kernel (wireguard module)", host.where());
            } else if (host.installed(Tool.WIREGUARD_GO) && Files.exists(tunDevice)) {
                mode = WireGuardMode.USER_SPACE;
                LOG.info("linux adapter, {}: the kernel lacks the wireguard module; WireGuard runs in user space (wireguard-go)",
                        host.where());
            } else {
                mode = WireGuardMode.MISSING;
                LOG.info("linux adapter, {}: WireGuard is unavailable (no wireguard module, {})", host.where(),
                        host.installed(Tool.WIREGUARD_GO) ? "no " + tunDevice : "no wireguard-go");
            }
        }
        return mode;
    }

    /** A sentence for an operator when WireGuard cannot run here. */
    String missingReason() {
        return "WireGuard is unavailable in " + host.where() + ": the kernel has no wireguard module and "
                + (host.installed(Tool.WIREGUARD_GO) ? tunDevice + " does not exist for wireguard-go"
                        : "wireguard-go is not installed (install wireguard-go or a kernel with WireGuard)");
    }
}
