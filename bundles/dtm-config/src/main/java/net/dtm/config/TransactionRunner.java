package net.dtm.config;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.config.Transaction;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.VendorAdapter;

/**
 * Starts the transactions of the manager: picks the adapter for the request's device (a failed,
 * counted transaction when none serves it), runs a {@link ConfigTransaction}, records its end on
 * the end's state, and keeps the running ones for adapter withdrawal and shutdown.
 */
final class TransactionRunner {

    // the manager's logger: these lines were always the manager's
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationManager.class);

    private final ConfigContext ctx;
    private final AdapterRegistry registry;
    private final Set<ConfigTransaction> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    TransactionRunner(ConfigContext ctx, AdapterRegistry registry) {
        this.ctx = ctx;
        this.registry = registry;
    }

    /** The transactions running now. */
    Collection<ConfigTransaction> active() {
        return Collections.unmodifiableSet(active);
    }

    boolean closed() {
        return closed;
    }

    /** Refuses new transactions and shuts the running ones down; their journal records stay. */
    void close() {
        closed = true;
        for (ConfigTransaction tx : active) {
            tx.shutdown();
        }
    }

    /**
     * Runs one transaction for end state {@code e} (null for an interface no end owns). {@code first}
     * completes with its first outcome (a pending entry when it waits for a confirmation); the
     * returned future with its last.
     */
    CompletableFuture<Transaction> run(EndState e, TransactionRequest request, CompletableFuture<Transaction> first) {
        if (closed) {
            IllegalStateException stopped = new IllegalStateException("configuration manager closed");
            first.completeExceptionally(stopped);
            return CompletableFuture.failedFuture(stopped);
        }
        Optional<VendorAdapter> adapter;
        if (e == null) {
            adapter = registry.select(request.target());
        } else {
            // selected and marked under the end's lock: an adapter installed meanwhile either is seen here
            // or sees "no-adapter" (addAdapter checks under the same lock after installing), never neither
            synchronized (e) {
                adapter = registry.select(request.target());
                if (adapter.isEmpty()) {
                    e.lastState = "no-adapter";
                }
            }
        }
        if (adapter.isEmpty()) {
            Transaction t = noAdapter(request);
            first.complete(t);
            return CompletableFuture.completedFuture(t);
        }
        ConfigTransaction tx = new ConfigTransaction(request, adapter.get(), ctx);
        if (e != null) {
            synchronized (e) {
                e.current = tx;
            }
        }
        active.add(tx);
        tx.firstOutcome().whenComplete((t, err) -> {
            if (err != null) {
                first.completeExceptionally(err);
            } else {
                first.complete(t);
            }
        });
        CompletableFuture<Transaction> outcome = tx.start();
        if (!registry.contains(adapter.get())) {
            tx.abort("adapter " + adapter.get().vendor() + " withdrawn");
        }
        return outcome.whenComplete((t, err) -> {
            active.remove(tx);
            if (e != null) {
                e.finished(tx, t);
            }
        });
    }

    private Transaction noAdapter(TransactionRequest r) {
        DeviceTarget t = r.target();
        String detail = "no adapter serves vendor " + t.vendor() + (t.model().isEmpty() ? "" : " model " + t.model())
                + (t.osVersion().isEmpty() ? "" : " OS " + t.osVersion()) + "; nothing was changed";
        Transaction draft = new Transaction(r.end(), 0, ctx.clock().instant(), r.trigger(), r.intentLine(), List.of(),
                List.of(), Transaction.Result.FAILED, detail, false);
        ctx.counters().count(Transaction.Result.FAILED);
        LOG.warn("{} (device {}): {} ({})", r.end(), r.device(), detail, r.trigger());
        if (!r.operator()) {
            return draft;
        }
        try {
            return ctx.history().append(draft, r.wanted());
        } catch (RuntimeException ex) {
            LOG.error("{}: history entry not written: {}", r.end(), ex.getMessage());
            return draft;
        }
    }
}
