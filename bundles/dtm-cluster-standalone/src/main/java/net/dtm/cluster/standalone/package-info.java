/** The standalone cluster: a cluster of one node, registered when the selected store brings no cluster of its own. */
package net.dtm.cluster.standalone;
