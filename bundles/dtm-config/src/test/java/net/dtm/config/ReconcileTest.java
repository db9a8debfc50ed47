package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import net.dtm.api.TunnelType;
import net.dtm.api.config.Transaction;
import net.dtm.config.fake.ManualScheduler;
import net.dtm.config.fake.Samples;

/**
 * A node killed in the middle of a change (the old manager is simply abandoned, as kill -9 would
 * leave it): the next start puts the device back and removes what no end accounts for.
 */
class ReconcileTest extends OnRig {

    ConfigurationManager next;

    /** The first rig's manager is left as it is, as kill -9 would leave it: only the restarted one is closed. */
    @Override
    @AfterEach
    void stop() {
        if (next != null) {
            next.close();
        }
    }

    @Test
    void aChangeInterruptedAfterApplyIsUndoneAndStraysAreRemoved() throws IOException {
        rig.set(v);
        rig.set(Samples.rename(Samples.of(TunnelType.GRE, "x"), "dtm5"));
        rig.device.install(Samples.rename(v, "dtm9")).install(Samples.rename(v, "gre1"));
        rig.device.probeAnswers(false);
        CompletableFuture<Transaction> interrupted = rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET,
                Optional.of(v.withMtu(1300)), "tunnel parameters changed");
        assertFalse(interrupted.isDone());
        assertEquals(1300, rig.state("dtm0").orElseThrow().mtu(), "applied, verification under way when the node dies");
        rig.device.probeAnswers(true);

        next = restart();
        next.addAdapter(rig.adapter, rig.adapter.properties());
        CompletableFuture<Void> done = next.reconcileAtStart(List.of(Rig.TARGET));
        assertTrue(done.isDone());

        assertEquals(Optional.of(v), rig.state("dtm0"), "back to the snapshot");
        Transaction undo = next.history("dtm0").get(0);
        assertEquals(2, undo.number(), "the interrupted change itself never got an entry");
        assertEquals("reconcile at start", undo.trigger());
        assertEquals(Transaction.Result.ROLLED_BACK, undo.result());
        assertTrue(undo.restored());
        assertEquals("interrupted transaction of 2030-01-01T00:00:00Z (tunnel parameters changed) undone: restored with "
                + "1 commands", undo.detail());
        assertEquals(List.of("link mtu dtm0 mtu=1400"), undo.commands());
        assertEquals(List.of(), new Journal(rig.settings.journalDirectory()).records());

        assertFalse(rig.device.names().contains("dtm9"), "no end accounts for dtm9");
        Transaction stray = next.history("dtm9").get(0);
        assertEquals("reconcile at start: stray interface", stray.trigger());
        assertEquals(Transaction.Result.CONFIRMED, stray.result());
        assertTrue(rig.device.names().containsAll(List.of("dtm0", "dtm5", "gre1")),
                "dtm0 restored, dtm5 confirmed in history, gre1 is not DTM's");
        assertEquals(1, next.counters().rolledBack());
    }

    @Test
    void aCreationInterruptedWhilePendingLeavesNothingHalfBuilt() {
        rig.device.unreachable(true);
        rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v), "event");
        rig.device.unreachable(false);
        assertEquals(Transaction.Result.PENDING_CONFIRM, rig.manager.apply("dtm0", "operator admin", true).result());
        assertTrue(rig.state("dtm0").isPresent());

        next = restart();
        next.addAdapter(rig.adapter, rig.adapter.properties());
        next.reconcileAtStart(List.of(Rig.TARGET));
        assertEquals(Optional.empty(), rig.state("dtm0"));
        Transaction pending = next.history("dtm0").get(1);
        assertEquals(Transaction.Result.PENDING_CONFIRM, pending.result(), "what the old node recorded stays as it was");
        assertEquals("reconcile at start", next.history("dtm0").get(0).trigger());
    }

    @Test
    void reconcileWaitsForTheAdapter() {
        rig.device.probeAnswers(false);
        rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v), "event");
        rig.device.install(Samples.rename(v, "dtm8"));
        rig.device.probeAnswers(true);

        next = restart();
        assertTrue(next.reconcileAtStart(List.of(Rig.TARGET)).isDone());
        assertTrue(rig.state("dtm0").isPresent(), "no adapter yet: nothing done");
        next.addAdapter(rig.adapter, rig.adapter.properties());
        assertEquals(Optional.empty(), rig.state("dtm0"));
        assertFalse(rig.device.names().contains("dtm8"));
    }

    @Test
    void aDeviceThatCannotBeReachedKeepsTheJournalForTheNextStart() throws IOException {
        rig.device.probeAnswers(false);
        rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v), "event");
        rig.device.probeAnswers(true).unreachable(true);

        next = restart();
        next.addAdapter(rig.adapter, rig.adapter.properties());
        next.reconcileAtStart(List.of(Rig.TARGET));
        Transaction t = next.history("dtm0").get(0);
        assertEquals(Transaction.Result.FAILED, t.result());
        assertTrue(t.detail().contains("the device cannot be reached: fake device unreachable; the journal keeps it"),
                t.detail());
        assertEquals(1, new Journal(rig.settings.journalDirectory()).records().size());

        rig.device.unreachable(false);
        next.close();
        next = restart();
        next.addAdapter(rig.adapter, rig.adapter.properties());
        next.reconcileAtStart(List.of(Rig.TARGET));
        assertEquals(Optional.empty(), rig.state("dtm0"));
    }

    @Test
    void registeredEndsAreKept() {
        rig.device.install(Samples.rename(v, "dtm3"));
        next = restart();
        next.addAdapter(rig.adapter, rig.adapter.properties());
        next.setIntent("dtm3", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(Samples.rename(v, "dtm3")), "event");
        next.reconcileAtStart(List.of(Rig.TARGET));
        assertTrue(rig.device.names().contains("dtm3"));
    }

    @Test
    void anEndWhoseLastConfirmedEntryRemovedItIsAStray() {
        rig.set(v);
        rig.manager.removeEnd("dtm0", "released");
        rig.device.install(v);
        next = restart();
        next.addAdapter(rig.adapter, rig.adapter.properties());
        next.reconcileAtStart(List.of(Rig.TARGET));
        assertEquals(Optional.empty(), rig.state("dtm0"));
    }

    private ConfigurationManager restart() {
        try {
            return new ConfigurationManager(rig.settings, rig.clock, new ManualScheduler(rig.clock), Runnable::run);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
