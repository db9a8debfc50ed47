package net.dtm.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives a server node's lease events. Published as an OSGi service (whiteboard); the node calls
 * listeners off its request threads, in event order per device, and isolates failures. A listener
 * must not block: the node's core-end gateway, for instance, queues the work.
 */
@ConsumerType
public interface LeaseListener {

    /** Called for every lease event of this node. */
    void leaseChanged(LeaseEvent event);
}
