/**
 * Configuration SPI: vendor adapters that turn a vendor-neutral {@link net.dtm.spi.config.TunnelIntent}
 * into device configuration. An adapter is a {@link net.dtm.spi.config.VendorAdapter} service that
 * names the devices it serves in service properties and offers small behaviours asked for by type
 * ({@link net.dtm.spi.config.TunnelInterfaceBehaviour}, {@link net.dtm.spi.config.AddressingBehaviour},
 * {@link net.dtm.spi.config.RouteBehaviour}, {@link net.dtm.spi.config.LinkSettingsBehaviour},
 * {@link net.dtm.spi.config.WireGuardPeerBehaviour}, optionally
 * {@link net.dtm.spi.config.CommitConfirmBehaviour}). The safe transaction (validate, read, diff,
 * apply, verify, confirm or roll back, history) lives in the DTM core, never in an adapter.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package net.dtm.spi.config;
