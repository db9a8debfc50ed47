package net.dtm.store.derby;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.store.tck.EnrolmentKeyStoreContract;

/** The enrolment key store contract against an embedded Derby database in a temporary directory. */
class DerbyEnrolmentKeyStoreTest extends EnrolmentKeyStoreContract {

    @TempDir
    static Path templateDir;

    private static TemplateDatabase template;

    @TempDir
    Path dir;

    /** The database each enrolment key store belongs to (closed with it). */
    private final Map<EnrolmentKeyStore, DerbyStore> databases = new IdentityHashMap<>();

    @BeforeAll
    static void createTemplate() {
        template = new TemplateDatabase(templateDir);
    }

    private EnrolmentKeyStore open(Path db) {
        DerbyStore store = new DerbyStore(db);
        databases.put(store.enrolmentKeys(), store);
        return store.enrolmentKeys();
    }

    @Override
    protected EnrolmentKeyStore newStore() {
        return open(template.copyTo(dir.resolve("db")));
    }

    @Override
    protected EnrolmentKeyStore reopen(EnrolmentKeyStore current) {
        close(current);
        return open(dir.resolve("db"));
    }

    @Override
    protected void close(EnrolmentKeyStore current) {
        DerbyStore store = databases.remove(current);
        if (store != null) {
            store.close();
        }
    }
}
