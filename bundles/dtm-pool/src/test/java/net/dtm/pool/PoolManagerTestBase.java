package net.dtm.pool;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.store.derby.DerbyStore;
import net.dtm.api.fakes.SettableClock;

/** A pool manager over a counting wrapper of a fresh Derby store, with a clock the test moves. */
abstract class PoolManagerTestBase {

    @TempDir
    Path dir;

    DerbyStore derby;
    CountingStore store;
    SettableClock clock;
    PoolManager pm;

    /** The manager under test. */
    abstract PoolManager newManager(CountingStore store, SettableClock clock);

    @BeforeEach
    void setUpManager() {
        derby = new DerbyStore(dir.resolve("db"));
        store = new CountingStore(derby);
        clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
        pm = newManager(store, clock);
    }

    @AfterEach
    void closeStore() {
        derby.close();
    }

    static DeviceId dev(String id) {
        return DeviceId.of(id);
    }

    static InetAddress ip(String s) {
        return Cidr.parseLiteral(s);
    }
}
