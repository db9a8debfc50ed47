package net.dtm.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.config.Transaction;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The manager's start: undoes the transactions the journal says a previous run left half done, then
 * removes the DTM-prefixed interfaces no end accounts for, each in its end's lane. Work for a device
 * without an adapter waits, and {@link #runWaiting()} does it once an adapter arrives.
 */
final class StartReconciliation {

    // the manager's logger: these lines were always the manager's
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationManager.class);

    private final ConfigContext ctx;
    private final AdapterRegistry registry;
    private final EndLanes lanes;
    private final Reconciler reconciler;
    private final TransactionRunner runner;
    /** True for the name of a registered end. */
    private final Predicate<String> registered;
    private final Object lock = new Object();
    // Guarded by lock.
    private final List<JournalRecord> waitingRecords = new ArrayList<>();
    private final Set<DeviceTarget> waitingTargets = new LinkedHashSet<>();
    private final Set<String> keptByJournal = ConcurrentHashMap.newKeySet();

    StartReconciliation(ConfigContext ctx, AdapterRegistry registry, EndLanes lanes, TransactionRunner runner,
                        Predicate<String> registered) {
        this.ctx = ctx;
        this.registry = registry;
        this.lanes = lanes;
        this.reconciler = new Reconciler(ctx);
        this.runner = runner;
        this.registered = registered;
    }

    /** See {@link ConfigurationManager#reconcileAtStart(Collection)}. */
    CompletableFuture<Void> start(Collection<DeviceTarget> targets) {
        List<JournalRecord> records = ctx.journal().records();
        synchronized (lock) {
            waitingRecords.addAll(records);
            records.forEach(r -> waitingTargets.add(r.target()));
            waitingTargets.addAll(targets);
        }
        if (!records.isEmpty()) {
            LOG.warn("{} interrupted configuration transactions found in the journal: undoing them", records.size());
        }
        return runWaiting();
    }

    /** Does the waiting work whose device an adapter now serves. */
    CompletableFuture<Void> runWaiting() {
        List<CompletableFuture<?>> restores = new ArrayList<>();
        List<DeviceTarget> ready = new ArrayList<>();
        synchronized (lock) {
            for (var it = waitingRecords.iterator(); it.hasNext();) {
                JournalRecord r = it.next();
                if (registry.select(r.target()).isPresent()) {
                    it.remove();
                    restores.add(restoreLater(r));
                } else {
                    LOG.warn("{} (device {}): interrupted transaction waits for an adapter for vendor {}", r.end(),
                            r.device(), r.target().vendor());
                }
            }
            for (var it = waitingTargets.iterator(); it.hasNext();) {
                DeviceTarget t = it.next();
                boolean recordsWait = waitingRecords.stream().anyMatch(r -> r.target().equals(t));
                if (!recordsWait && registry.select(t).isPresent()) {
                    it.remove();
                    ready.add(t);
                }
            }
        }
        CompletableFuture<Void> restored = CompletableFuture.allOf(restores.toArray(CompletableFuture[]::new));
        List<CompletableFuture<?>> all = new ArrayList<>(restores);
        for (DeviceTarget t : ready) {
            all.add(restored.handle((v, e) -> null).thenComposeAsync(v -> removeStrays(t), ctx.executor()));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Transaction> restoreLater(JournalRecord record) {
        CompletableFuture<Transaction> done = new CompletableFuture<>();
        lanes.submit(EndState.lane(record.end(), record.target()), () -> {
            if (!ctx.journal().read(record.end()).equals(Optional.of(record))) {
                done.complete(null); // a newer transaction has already replaced the record
                return done;
            }
            Optional<VendorAdapter> adapter = registry.select(record.target());
            if (adapter.isEmpty()) {
                synchronized (lock) {
                    waitingRecords.add(record);
                    waitingTargets.add(record.target());
                }
                done.complete(null);
                return done;
            }
            if (record.snapshot().isPresent()) {
                keptByJournal.add(record.end());
            }
            done.complete(reconciler.restore(record, adapter.get()));
            return done;
        });
        return done;
    }

    private CompletableFuture<Void> removeStrays(DeviceTarget target) {
        Optional<VendorAdapter> adapter = registry.select(target);
        if (adapter.isEmpty()) {
            synchronized (lock) {
                waitingTargets.add(target);
            }
            return CompletableFuture.completedFuture(null);
        }
        List<String> present;
        try {
            present = reconciler.list(target, adapter.get());
        } catch (ConfigException | RuntimeException e) {
            LOG.error("stray tunnel interfaces on {} not checked, the device cannot be listed: {}", where(target),
                    e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<?>> removals = new ArrayList<>();
        for (String name : present) {
            if (!IntentValidator.validName(name) || accounted(name)) {
                continue;
            }
            CompletableFuture<Transaction> first = new CompletableFuture<>();
            lanes.submit(EndState.lane(name, target), () -> {
                if (accounted(name)) {
                    first.complete(null);
                    return first;
                }
                LOG.warn("{} on {}: no end accounts for this tunnel interface, removing it", name, where(target));
                return runner.run(null, new TransactionRequest(name, TunnelIntent.Role.DEVICE, where(target), target,
                        Optional.empty(), Reconciler.TRIGGER + ": stray interface", false, false), first);
            });
            removals.add(first);
        }
        return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new));
    }

    /**
     * True if something accounts for interface {@code name}: a registered end, the newest CONFIRMED
     * history entry of that name when it applied an intent, or a snapshot just restored.
     */
    private boolean accounted(String name) {
        return registered.test(name) || keptByJournal.contains(name)
                || ctx.history().lastConfirmed(name).flatMap(HistoryEntry::intent).isPresent();
    }

    private static String where(DeviceTarget t) {
        return t.isLocal() ? t.vendor() + "@local" : t.vendor() + "@" + t.host();
    }
}
