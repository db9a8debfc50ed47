/** The cluster contract: one JUnit 5 suite every Cluster implementation must pass. */
package net.dtm.cluster.tck;
