package net.dtm.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** The server node's request endpoint. */
@ProviderType
public interface TunnelServerService {

    /** This node's id. */
    String nodeId();

    /** Counters by name, e.g. {@code received}, {@code dropped.auth}, {@code answered.params}. */
    Map<String, Long> counters();

    /**
     * This node's outer tunnel endpoint, as handed to devices in PARAMS: where the core ends of the
     * tunnels it serves live. Empty if the node does not say.
     */
    default java.util.Optional<java.net.InetSocketAddress> tunnelEndpoint() {
        return java.util.Optional.empty();
    }

    /** The inner MTU this node hands to devices; 0 if the node does not say. */
    default int tunnelMtu() {
        return 0;
    }
}
