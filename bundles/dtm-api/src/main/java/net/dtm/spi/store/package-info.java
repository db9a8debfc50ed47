/**
 * Store SPI: the persistence contract behind the address pool and the device registry. One
 * implementation per deployment: embedded Derby for a standalone node, ZooKeeper for a cluster.
 * Not intended for direct use by anything but the pool manager and the device registry.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.1.0")
package net.dtm.spi.store;
