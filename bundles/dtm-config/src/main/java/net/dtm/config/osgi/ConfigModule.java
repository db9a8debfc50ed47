package net.dtm.config.osgi;

import net.dtm.config.ConfigurationManager;

/** Bundle-internal service: the one configuration manager of this node, for the gateway component. */
public interface ConfigModule {

    /** The manager. */
    ConfigurationManager manager();

    /**
     * Reconciles this device once, before the first intent: undoes what a crash left half-applied
     * and removes DTM-named interfaces nothing accounts for. Only a node that builds tunnels does
     * this (a router with {@code enabled}, or a gateway): a server that builds none leaves the host's
     * interfaces alone. Later calls do nothing.
     */
    void reconcileOnce();
}
