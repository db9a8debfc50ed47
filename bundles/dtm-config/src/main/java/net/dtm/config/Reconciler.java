package net.dtm.config;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.config.Transaction;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * What a start does about a previous life that ended mid-change: undo each transaction the journal
 * says was interrupted (through the rollback path, recorded as {@code reconcile at start}), and
 * find the DTM-prefixed interfaces on a device so the manager can remove those no end accounts for.
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    static final String TRIGGER = "reconcile at start";

    private final ConfigContext ctx;

    Reconciler(ConfigContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Puts the device of {@code record} back to the record's snapshot and records the outcome. The
     * journal record is cleared once the device was reached; if it cannot be, it stays for the next try.
     */
    Transaction restore(JournalRecord record, VendorAdapter adapter) {
        String who = record.end() + " (device " + record.device() + ")";
        String intentLine = record.intent().map(TunnelIntent::describe).orElse("remove " + record.end());
        String what = "interrupted transaction of " + record.started() + " (" + record.trigger() + ")";
        Restorer.Outcome outcome;
        try (ConfigSession session = adapter.open(record.target())) {
            outcome = new Restorer(adapter, new Renderer(adapter)).restore(session, record.end(), record.role(),
                    record.snapshot(), false, record.intent());
        } catch (ConfigException | RuntimeException e) {
            Transaction failed = record(new Transaction(record.end(), 0, ctx.clock().instant(), TRIGGER, intentLine,
                    List.of(), List.of(), Transaction.Result.FAILED, what + " not undone, the device cannot be reached: "
                    + e.getMessage() + "; the journal keeps it for the next start", false), record.intent());
            LOG.error("{}: {} not undone, the device cannot be reached: {}", who, what, e.getMessage());
            ctx.counters().count(Transaction.Result.FAILED);
            return failed;
        }
        Transaction t = record(new Transaction(record.end(), 0, ctx.clock().instant(), TRIGGER, intentLine, List.of(),
                outcome.commands(), Transaction.Result.ROLLED_BACK, what + " undone: " + outcome.detail(),
                outcome.restored()), record.intent());
        ctx.counters().count(Transaction.Result.ROLLED_BACK);
        if (outcome.restored()) {
            LOG.warn("{}: {} undone at start, entry {}: {}", who, what, t.number(), outcome.detail());
        } else {
            LOG.error("{}: {} could NOT be undone at start, entry {}: {}", who, what, t.number(), outcome.detail());
        }
        try {
            ctx.journal().clear(record.end());
        } catch (IOException e) {
            LOG.error("{}: journal record not cleared: {}", who, e.getMessage());
        }
        return t;
    }

    /**
     * The interfaces with DTM's prefix on {@code target}.
     *
     * @throws ConfigException if the device cannot be listed
     */
    List<String> list(DeviceTarget target, VendorAdapter adapter) throws ConfigException {
        try (ConfigSession session = adapter.open(target)) {
            return session.list(ctx.settings().interfacePrefix()).stream()
                    .filter(n -> n.startsWith(ctx.settings().interfacePrefix())).sorted().toList();
        }
    }

    private Transaction record(Transaction draft, Optional<TunnelIntent> intent) {
        try {
            return ctx.history().append(draft, intent);
        } catch (RuntimeException e) {
            LOG.error("{}: history entry not written ({}): {}", draft.end(), draft.detail(), e.getMessage());
            return draft;
        }
    }
}
