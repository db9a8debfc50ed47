package net.dtm.store.derby;

/**
 * The lease store contract with group commit off (every write its own transaction on a pooled
 * connection): the mode {@link DerbyStore#GROUP_COMMIT_PROPERTY}{@code =false} selects must keep
 * the contract too.
 */
class DerbyLeaseStoreWithoutGroupCommitTest extends DerbyLeaseStoreTest {

    @Override
    protected boolean groupCommit() {
        return false;
    }
}
