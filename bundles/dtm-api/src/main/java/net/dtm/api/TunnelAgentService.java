package net.dtm.api;

import org.osgi.annotation.versioning.ProviderType;

/** The device side: establishes and keeps the tunnel. */
@ProviderType
public interface TunnelAgentService {

    /** The current state. */
    TunnelStatus status();

    /** Drops the current tunnel (releasing it) and establishes afresh. */
    void reestablish();
}
