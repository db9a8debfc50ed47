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
}
