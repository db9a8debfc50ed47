/**
 * Cluster SPI: membership, leadership and the quorum connection of a server node, provided by the
 * store implementation (a cluster of one for embedded Derby; ZooKeeper for a cluster) and used by
 * the server, the pool manager and the operator shell.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package net.dtm.spi.cluster;
