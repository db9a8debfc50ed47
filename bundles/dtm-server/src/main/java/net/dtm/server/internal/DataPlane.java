package net.dtm.server.internal;

import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a node serves the data plane, and with what: where its lease events go and the WireGuard
 * public key it hands to devices. Off until {@link #enable}: version 2 requests then get no tunnel
 * key events and no WireGuard key.
 */
final class DataPlane {

    /** Null until enabled. */
    private volatile DataPathEvents events;
    private volatile String wireGuardPublicKey = "";

    /**
     * Turns the data plane on.
     *
     * @param events             where this node's lease events go
     * @param wireGuardPublicKey this node's WireGuard public key (base64), empty if it offers none
     * @throws IllegalArgumentException if the key is neither empty nor a WireGuard key
     */
    void enable(DataPathEvents events, String wireGuardPublicKey) {
        Objects.requireNonNull(wireGuardPublicKey, "wireGuardPublicKey");
        if (!wireGuardPublicKey.isEmpty() && !isWireGuardKey(wireGuardPublicKey)) {
            throw new IllegalArgumentException("tunnel.wireguard.public.key must be a WireGuard public key (base64 of 32 bytes, as wg pubkey prints it)");
        }
        this.events = Objects.requireNonNull(events, "events");
        this.wireGuardPublicKey = wireGuardPublicKey;
    }

    /** The data-path memory of this node, if the data plane is on. */
    Optional<DataPathEvents> events() {
        return Optional.ofNullable(events);
    }

    /** This node's WireGuard public key, empty if it offers none. */
    String wireGuardPublicKey() {
        return wireGuardPublicKey;
    }

    /** True for a base64 WireGuard key: 44 characters, 32 bytes. */
    static boolean isWireGuardKey(String key) {
        if (key == null || key.length() != 44) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
