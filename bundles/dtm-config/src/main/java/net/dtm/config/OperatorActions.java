package net.dtm.config;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import net.dtm.api.DtmException;
import net.dtm.api.config.Transaction;

/**
 * The changes an operator asks for: apply an end now (optionally held for a confirmation), confirm
 * a held change, roll an end back to a history entry. Each runs in its end's lane and answers with
 * the transaction's first outcome, waiting at most the operator timeout; every refusal is a
 * BAD_REQUEST that says why.
 */
final class OperatorActions {

    private final ConfigContext ctx;
    private final AdapterRegistry registry;
    private final Map<String, EndState> ends;
    private final EndLanes lanes;
    private final TransactionRunner runner;

    OperatorActions(ConfigContext ctx, AdapterRegistry registry, Map<String, EndState> ends, EndLanes lanes,
                    TransactionRunner runner) {
        this.ctx = ctx;
        this.registry = registry;
        this.ends = ends;
        this.lanes = lanes;
        this.runner = runner;
    }

    Transaction apply(String end, String who, boolean holdForConfirm) {
        EndState e = EndState.known(ends, end);
        TransactionRequest request;
        synchronized (e) {
            e.refuseWhilePending();
            registry.require(end, e.target);
            request = new TransactionRequest(e.name, e.role, e.device, e.target, e.intent, who, true,
                    holdForConfirm);
        }
        return run(e, request, "apply to " + end);
    }

    Transaction confirm(String end, String who) {
        EndState e = EndState.known(ends, end);
        ConfigTransaction tx;
        synchronized (e) {
            tx = e.current;
        }
        if (tx == null || tx.pendingEntry().isEmpty()) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, end + " has no change pending confirmation");
        }
        return await(tx.confirm(who), "confirmation of " + end);
    }

    Transaction rollback(String end, int number, String who) {
        EndState e = EndState.known(ends, end);
        HistoryEntry entry = ctx.history().entry(end, number).orElseThrow(() -> new DtmException(
                DtmException.Reason.BAD_REQUEST, end + " has no history entry " + number + " (the newest is "
                + ctx.history().lastNumber(end) + ", the oldest kept " + oldest(end) + ")"));
        TransactionRequest request;
        synchronized (e) {
            e.refuseWhilePending();
            registry.require(end, e.target);
            e.intent = entry.intent();
            e.removing = false;
            request = new TransactionRequest(e.name, e.role, e.device, e.target, entry.intent(),
                    "rollback to " + number + " by " + who, true, false);
        }
        return run(e, request, "rollback of " + end + " to entry " + number);
    }

    private Transaction run(EndState e, TransactionRequest request, String what) {
        CompletableFuture<Transaction> first = new CompletableFuture<>();
        lanes.submit(e.lane(), () -> runner.run(e, request, first));
        return await(first, what);
    }

    private Transaction await(CompletableFuture<Transaction> f, String what) {
        try {
            return f.get(ctx.settings().operatorTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, what + " has no outcome after "
                    + ctx.settings().operatorTimeout().toSeconds() + " s; it goes on, see the history");
        } catch (ExecutionException ex) {
            Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            throw new DtmException(DtmException.Reason.BAD_REQUEST, what + " failed: " + cause.getMessage(), cause);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new DtmException(DtmException.Reason.BAD_REQUEST, what + " interrupted while waiting for its outcome");
        }
    }

    private int oldest(String end) {
        List<HistoryEntry> all = ctx.history().entries(end);
        return all.isEmpty() ? 0 : all.get(all.size() - 1).transaction().number();
    }
}
