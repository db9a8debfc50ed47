/**
 * Device sessions over SSH for vendor adapters: a {@link net.dtm.spi.config.ssh.SshConnector}
 * service opens an {@link net.dtm.spi.config.ssh.SshConnection} to a
 * {@link net.dtm.spi.config.DeviceTarget}, which runs commands on exec channels or drives an
 * interactive {@link net.dtm.spi.config.ssh.CliShell} that re-learns the device's prompt after
 * every command. Credentials come from the target's secret file (mode 600, never logged); host
 * keys are pinned on first use and a changed key refuses to connect. Adapters depend on this
 * package and on {@code net.dtm.spi.config} only.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package net.dtm.spi.config.ssh;
