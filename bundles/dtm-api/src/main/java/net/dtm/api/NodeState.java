package net.dtm.api;

/** The state of a server node as the cluster sees it. */
public enum NodeState {
    /** Serving: takes new devices and renews leases. */
    ACTIVE,
    /** Drained by an operator: renews the leases of its devices but takes no new device, and
     * pushes a server list without itself so its devices move on at their next renewal. */
    DRAINING,
    /** Cut off from the store's quorum: renews the leases it knows without extending them and
     * refuses new devices with {@code store-unavailable} until the quorum is back. */
    DEGRADED,
    /** Not registered (stopped, crashed, or its session expired); known only from its last record. */
    DOWN
}
