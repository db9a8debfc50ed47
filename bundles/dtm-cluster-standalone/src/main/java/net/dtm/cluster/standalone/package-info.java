/**
 * The standalone cluster: a cluster of one node, registered when the selected store brings no
 * cluster of its own; and the check that the store selected in {@code net.dtm.store} registered.
 */
package net.dtm.cluster.standalone;
