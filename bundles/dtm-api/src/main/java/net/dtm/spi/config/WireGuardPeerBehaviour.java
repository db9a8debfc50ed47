package net.dtm.spi.config;

import org.osgi.annotation.versioning.ConsumerType;

import java.util.List;

/** The WireGuard peer of a WireGuard tunnel interface; offered only by adapters that support WireGuard. */
@ConsumerType
public interface WireGuardPeerBehaviour extends Behaviour {

    /**
     * Commands that set this end's private key file and listen port, and the one peer (its public
     * key, endpoint, allowed IPs = the peer's inner address and the intent's routes, persistent
     * keepalive), replacing any other peer.
     */
    List<String> setPeer(TunnelIntent intent);
}
