package net.dtm.store.derby;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.store.LeaseStore;
import net.dtm.store.tck.LeaseStoreContract;

/**
 * The lease store contract with group commit off (every write its own transaction on a pooled
 * connection): the mode {@link DerbyStore#GROUP_COMMIT_PROPERTY}{@code =false} selects must keep
 * the contract too.
 */
class DerbyLeaseStoreWithoutGroupCommitTest extends LeaseStoreContract {

    @TempDir
    static Path templateDir;

    private static TemplateDatabase template;

    @TempDir
    Path dir;

    @BeforeAll
    static void createTemplate() {
        template = new TemplateDatabase(templateDir);
    }

    @Override
    protected LeaseStore newStore() {
        return new DerbyStore(template.copyTo(dir.resolve("db")), false);
    }

    @Override
    protected LeaseStore reopen(LeaseStore current) {
        ((DerbyStore) current).close();
        return new DerbyStore(dir.resolve("db"), false);
    }
}
