package net.dtm.store.derby;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.store.LeaseStore;
import net.dtm.store.tck.LeaseStoreContract;

/** The lease store contract against an embedded Derby database in a temporary directory. */
class DerbyLeaseStoreTest extends LeaseStoreContract {

    @TempDir
    Path dir;

    @Override
    protected LeaseStore newStore() {
        return new DerbyStore(dir.resolve("db"));
    }

    @Override
    protected LeaseStore reopen(LeaseStore current) {
        ((DerbyStore) current).close();
        return new DerbyStore(dir.resolve("db"));
    }
}
