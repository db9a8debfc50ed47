/** ZooKeeper store and cluster membership through Apache Curator (internal: registered as SPI services). */
package net.dtm.store.zookeeper;
