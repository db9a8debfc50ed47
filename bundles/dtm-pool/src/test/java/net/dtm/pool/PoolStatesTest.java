package net.dtm.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import net.dtm.api.DtmException;
import net.dtm.api.DtmException.Reason;
import net.dtm.spi.store.LeaseStore;

class PoolStatesTest {

    private final List<String> reads = new ArrayList<>();
    /** A store that only records what is asked of it and holds no pool. */
    private final LeaseStore store = (LeaseStore) Proxy.newProxyInstance(LeaseStore.class.getClassLoader(),
            new Class<?>[] {LeaseStore.class}, (proxy, method, args) -> {
                reads.add(method.getName());
                return method.getReturnType() == Optional.class ? Optional.empty() : null;
            });
    private final PoolStates states = new PoolStates(store, "n1", false, new PoolAlarms("n1", PoolSettings.DEFAULTS));

    @Test
    void aNameThatIsNoPoolNameIsRefusedWithoutAnyStoreAccess() {
        for (String name : new String[] {null, "", "a/b", "../../dtm", "pool name", "x".repeat(65), "p\u0000", "é"}) {
            DtmException e = assertThrows(DtmException.class, () -> states.state(name), String.valueOf(name));
            assertEquals(Reason.NO_POOL, e.reason());
        }
        assertTrue(reads.isEmpty(), "store accessed: " + reads);
    }

    @Test
    void aValidNameIsLookedUp() {
        DtmException e = assertThrows(DtmException.class, () -> states.state("missing"));
        assertEquals(Reason.NO_POOL, e.reason());
        assertEquals(List.of("pool"), reads);
    }
}
