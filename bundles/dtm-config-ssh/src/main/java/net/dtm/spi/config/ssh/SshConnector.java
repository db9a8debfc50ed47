package net.dtm.spi.config.ssh;

import org.osgi.annotation.versioning.ProviderType;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;

/**
 * Opens SSH connections to devices, published as an OSGi service by DTM. One connector serves
 * every adapter: it owns the pinned host keys and the time limits.
 */
@ProviderType
public interface SshConnector {

    /**
     * Connects and logs into {@code target}: {@link DeviceTarget#host()}, {@link DeviceTarget#port()}
     * (0 = 22), {@link DeviceTarget#username()}, and the secret in {@link DeviceTarget#secretFile()}
     * (a private key in OpenSSH or PEM form, otherwise the file's first line is the password). The
     * secret file must exist and be readable by its owner only.
     *
     * @throws ConfigException (never {@code rejected}) when the device cannot be reached, the login
     *                         fails, the secret file is missing or readable by others, or the
     *                         device's host key differs from the one pinned on first use (the
     *                         message names both fingerprints and how to accept a replaced device)
     */
    SshConnection connect(DeviceTarget target) throws ConfigException;
}
