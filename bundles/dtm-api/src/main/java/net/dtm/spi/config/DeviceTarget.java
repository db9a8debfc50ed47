package net.dtm.spi.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The device an adapter configures and how to reach it.
 *
 * @param vendor        vendor name as configured, e.g. {@code linux}
 * @param model         model, e.g. {@code x86_64}, {@code ISR4331}; empty when unknown
 * @param osVersion     operating system version, e.g. {@code 6.1}, {@code 17.9.4}; empty when unknown
 * @param host          management address; empty = this machine (the adapter runs commands locally)
 * @param port          management port; 0 = the protocol's default
 * @param username      login; empty for a local device
 * @param secretFile    file (mode 600) holding the password or private key; never read into logs
 * @param options       adapter-specific settings, e.g. {@code netns}
 */
public record DeviceTarget(String vendor, String model, String osVersion, String host, int port, String username,
                           Optional<Path> secretFile, Map<String, String> options) {
    public DeviceTarget {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(osVersion, "osVersion");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(secretFile, "secretFile");
        options = Map.copyOf(options);
    }

    /** This machine, with the given vendor and no credentials. */
    public static DeviceTarget local(String vendor) {
        return new DeviceTarget(vendor, "", "", "", 0, "", Optional.empty(), Map.of());
    }

    /** True when the adapter runs its commands on this machine. */
    public boolean isLocal() {
        return host.isEmpty();
    }
}
