/**
 * Store SPI: the persistence contract behind the address pool and the device registry. One
 * implementation serves a node, selected by {@link net.dtm.spi.store.StoreSelection} (embedded
 * Derby for a standalone node by default, ZooKeeper for a cluster). Not intended for direct use by anything but the pool manager and the device registry.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.6.0")
package net.dtm.spi.store;
