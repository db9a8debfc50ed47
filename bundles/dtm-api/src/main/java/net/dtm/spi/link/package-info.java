/**
 * Link driver SPI: one {@link net.dtm.spi.link.LinkDriver} service per WAN link of a device. The
 * multi-link transport tracks these services dynamically (whiteboard). 1.1: the service property
 * constants (usage and its values), an open link kind ({@link net.dtm.spi.link.LinkKind#OTHER},
 * {@link net.dtm.spi.link.LinkDriver#kindLabel()}) and the driver contract written out.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package net.dtm.spi.link;
