package net.dtm.pool;

import java.time.Instant;
import java.util.List;

import net.dtm.api.Health;
import net.dtm.api.Health.Check;

/**
 * The pool manager's readiness from what it knows already (no store round trip): {@code store}
 * (the last store call did not fail as unavailable) and {@code pools} (every pool's free index was
 * loaded: at start, or by a later retry).
 */
final class PoolHealth {

    /** The component name reported. */
    static final String COMPONENT = "pool";

    private PoolHealth() {
    }

    /**
     * @param manager     the running manager
     * @param loadedPools how many pools the last load found, -1 while they could not be loaded
     */
    static Health of(PoolManager manager, int loadedPools) {
        Check storeCheck;
        if (manager.storeDown()) {
            Instant since = manager.storeDownSince();
            storeCheck = new Check("store", false, "store unavailable since " + since);
        } else {
            storeCheck = new Check("store", true, "store answering");
        }
        Check pools = loadedPools < 0
                ? new Check("pools", false, "pools not loaded yet: the store did not answer (retried every housekeeping interval)")
                : new Check("pools", true, "pool catalogue loaded");
        return new Health(COMPONENT, List.of(storeCheck, pools));
    }
}
