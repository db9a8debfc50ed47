package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.config.Transaction;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/** An adapter withdrawn while one of its transactions runs: the transaction ends cleanly, never hangs. */
class AdapterWithdrawalTest {

    @TempDir
    Path dir;
    Rig rig;
    ExecutorService pool;
    final TunnelIntent v = Samples.vxlan();

    @AfterEach
    void stop() {
        rig.close();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void aPendingChangeIsRolledBackWithTheAdapterItHolds() {
        rig = new Rig(dir);
        rig.device.unreachable(true);
        rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v), "event");
        rig.device.unreachable(false);
        rig.manager.apply("dtm0", "operator admin", true);
        rig.manager.removeAdapter(rig.adapter);
        Transaction t = rig.manager.history("dtm0").get(0);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("adapter fake withdrawn; restored"), t.detail());
        assertTrue(t.restored());
        assertEquals(Optional.empty(), rig.state("dtm0"));
        assertEquals("no-adapter", rig.manager.ends().get(0).state());
        assertEquals(0, rig.scheduler.pending(), "the confirm timer is gone");
    }

    @Test
    void aChangeBeingProbedIsRolledBackAtOnce() {
        rig = new Rig(dir);
        rig.device.probeAnswers(false);
        CompletableFuture<Transaction> f = rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v),
                "event");
        rig.manager.removeAdapter(rig.adapter);
        assertEquals(Transaction.Result.ROLLED_BACK, f.getNow(null).result());
        assertEquals(Optional.empty(), rig.state("dtm0"));
    }

    @Test
    void anotherAdapterTakesOverAfterTheRollback() {
        rig = new Rig(dir);
        FakeAdapter second = new FakeAdapter(rig.device);
        Map<String, Object> lower = second.properties();
        lower.put(AdapterRegistry.SERVICE_RANKING, -1);
        rig.manager.addAdapter(second, lower);
        rig.device.probeAnswers(false);
        CompletableFuture<Transaction> f = rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v),
                "event");
        rig.device.probeAnswers(true);
        rig.manager.removeAdapter(rig.adapter);
        assertEquals(Transaction.Result.ROLLED_BACK, f.getNow(null).result());
        Transaction again = rig.manager.history("dtm0").get(0);
        assertEquals(Transaction.Result.CONFIRMED, again.result());
        assertEquals("adapter fake withdrawn, another takes over", again.trigger());
        assertEquals(Optional.of(v), rig.state("dtm0"));
    }

    @Test
    void aWithdrawalDuringABlockedApplyNeverHangs() throws Exception {
        pool = Executors.newFixedThreadPool(4);
        rig = new Rig(dir, ConfigSettings.defaults(dir), new FakeDevice(), pool, true);
        CountDownLatch gate = new CountDownLatch(1);
        rig.device.gate(gate);
        CompletableFuture<Transaction> f = rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v),
                "event");
        assertTrue(rig.device.applyStarted().await(5, TimeUnit.SECONDS));
        VendorAdapter held = rig.adapter;
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> rig.manager.removeAdapter(held));
        gate.countDown();
        Transaction t = f.get(5, TimeUnit.SECONDS);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("adapter fake withdrawn"), t.detail());
        assertTrue(t.restored(), "rolled back through the adapter object the transaction holds");
        assertEquals(Optional.empty(), rig.state("dtm0"));
        assertEquals(0, rig.device.openSessions());
    }
}
