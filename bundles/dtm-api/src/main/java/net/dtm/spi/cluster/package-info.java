/**
 * Cluster SPI: membership, leadership and the quorum connection of a server node, provided by a
 * store that brings its own cluster (ZooKeeper) or by the standalone cluster (a cluster of one)
 * and used by the server, the pool manager and the operator shell. {@link net.dtm.spi.cluster.NodeIds}
 * holds the node id rules every implementation applies; {@link net.dtm.spi.cluster.ClockOffset} how far the
 * node's clock is from the store's time.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package net.dtm.spi.cluster;
