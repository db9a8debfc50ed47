package net.dtm.store.derby;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.spi.store.DeviceStore;
import net.dtm.store.tck.DeviceStoreContract;

/** The device store contract against an embedded Derby database in a temporary directory. */
class DerbyDeviceStoreTest extends DeviceStoreContract {

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
    protected DeviceStore newStore() {
        return new DerbyStore(template.copyTo(dir.resolve("db")));
    }

    @Override
    protected DeviceStore reopen(DeviceStore current) {
        ((DerbyStore) current).close();
        return new DerbyStore(dir.resolve("db"));
    }
}
