package net.dtm.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the device's tunnel events. Published as an OSGi service (whiteboard); the agent calls
 * every registered listener in event order, on one thread, and isolates failures: a listener that
 * throws is logged and does not stop the others. A listener must return quickly and hand long work
 * to its own thread.
 */
@ConsumerType
public interface TunnelListener {

    /** Called for every tunnel event, in order. */
    void tunnelChanged(TunnelEvent event);
}
