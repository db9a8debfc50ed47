/**
 * Link driver SPI: one {@link net.dtm.spi.link.LinkDriver} service per WAN link of a device. The
 * multi-link transport tracks these services dynamically (whiteboard).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package net.dtm.spi.link;
