package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.config.Transaction;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.fake.Samples;
import net.dtm.spi.config.TunnelIntent;

/** Real threads: one transaction per end at a time, and only the newest waiting intent is applied next. */
class CoalescingTest {

    @TempDir
    Path dir;
    ExecutorService pool;
    Rig rig;
    final TunnelIntent v = Samples.vxlan();

    @BeforeEach
    void start() {
        pool = Executors.newFixedThreadPool(4);
        rig = new Rig(dir, ConfigSettings.defaults(dir), new FakeDevice(), pool, true);
    }

    @AfterEach
    void stop() {
        rig.close();
        pool.shutdownNow();
    }

    @Test
    void intentsArrivingDuringATransactionAreCoalesced() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        rig.device.gate(gate);
        CompletableFuture<Transaction> first = set(v);
        assertTrue(rig.device.applyStarted().await(5, TimeUnit.SECONDS));
        CompletableFuture<Transaction> second = set(v.withMtu(1300));
        CompletableFuture<Transaction> third = set(v.withMtu(1200));
        gate.countDown();
        assertEquals(Transaction.Result.CONFIRMED, first.get(5, TimeUnit.SECONDS).result());
        Transaction newest = third.get(5, TimeUnit.SECONDS);
        assertSame(newest, second.get(5, TimeUnit.SECONDS), "the waiting intents share one transaction");
        assertEquals(List.of("mtu: 1400 -> 1200"), newest.diff());
        assertEquals(2, rig.device.batches().size());
        assertEquals(1200, rig.state("dtm0").orElseThrow().mtu());
    }

    @Test
    void endsDoNotWaitForEachOther() throws Exception {
        TunnelIntent other = Samples.rename(v, "dtm1");
        rig.device.probeAnswers(false);
        CompletableFuture<Transaction> probing = set(v);
        await().atMost(Duration.ofSeconds(5)).until(() -> rig.scheduler.pending() == 1);
        rig.device.probeAnswers(true);
        assertEquals(Transaction.Result.CONFIRMED, set(other).get(5, TimeUnit.SECONDS).result());
        rig.scheduler.advance(Duration.ofSeconds(1));
        assertEquals(Transaction.Result.CONFIRMED, probing.get(5, TimeUnit.SECONDS).result());
    }

    @Test
    void manyEndsInParallelAllConverge() throws Exception {
        List<CompletableFuture<Transaction>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TunnelIntent end = Samples.rename(v, "dtm" + i);
            all.add(set(end));
            all.add(set(end.withMtu(1300 + i)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 40; i++) {
            assertEquals(1300 + i, rig.state("dtm" + i).orElseThrow().mtu());
        }
        assertEquals(40, rig.manager.ends().size());
        assertEquals(0, rig.device.openSessions());
    }

    private CompletableFuture<Transaction> set(TunnelIntent i) {
        return rig.manager.setIntent(i.name(), i.role(), Rig.DEVICE, Rig.TARGET, Optional.of(i), "event");
    }
}
