package net.dtm.store.derby;

import net.dtm.store.tck.StoreBackupContract;

/** The backup contract against Derby: it makes copies (restores are tested by {@link DerbyBackupTest}). */
class DerbyStoreBackupTest extends StoreBackupContract<DerbyStore> {

    @Override
    protected boolean makesCopies() {
        return true;
    }

    @Override
    protected DerbyStore newStore() {
        return new DerbyStore(dir.resolve("db/dtm"));
    }

    @Override
    protected DerbyStore reopen(DerbyStore current) {
        current.close();
        return new DerbyStore(dir.resolve("db/dtm"));
    }
}
