package net.dtm.config.osgi;

import net.dtm.config.ConfigurationManager;

/** Bundle-internal service: the one configuration manager of this node, for the gateway component. */
public interface ConfigModule {

    /** The manager. */
    ConfigurationManager manager();
}
