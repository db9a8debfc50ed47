package net.dtm.api;

import org.osgi.annotation.versioning.ProviderType;

/** The device side: establishes and keeps the tunnel. */
@ProviderType
public interface TunnelAgentService {

    /** The current state. */
    TunnelStatus status();

    /** Drops the current tunnel (releasing it) and establishes afresh. */
    void reestablish();

    /**
     * Establishes again without releasing: the device keeps its lease and inner address and is
     * served by whichever server answers first. For when the tunnel's server stopped carrying
     * traffic (it died, or its core end is gone) while the lease itself is fine. The default
     * re-establishes.
     */
    default void rehome() {
        reestablish();
    }
}
