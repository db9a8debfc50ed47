package net.dtm.store.derby;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.store.LeaseStore;
import net.dtm.store.tck.LeaseStoreContract;

/** The lease store contract against an embedded Derby database (group commit on) in a temporary directory. */
class DerbyLeaseStoreTest extends LeaseStoreContract {

    @TempDir
    static Path templateDir;

    private static TemplateDatabase template;

    @TempDir
    Path dir;

    @BeforeAll
    static void createTemplate() {
        template = new TemplateDatabase(templateDir);
    }

    /** Whether the store under test batches writes into shared commits. */
    protected boolean groupCommit() {
        return true;
    }

    @Override
    protected LeaseStore newStore() {
        return new DerbyStore(template.copyTo(dir.resolve("db")), groupCommit());
    }

    @Override
    protected LeaseStore reopen(LeaseStore current) {
        ((DerbyStore) current).close();
        return new DerbyStore(dir.resolve("db"), groupCommit());
    }
}
