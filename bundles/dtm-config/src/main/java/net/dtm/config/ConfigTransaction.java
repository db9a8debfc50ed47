package net.dtm.config;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.api.config.Transaction;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * One run of the safe transaction on one end:
 * <ol>
 * <li>validate (refused: nothing touched);</li>
 * <li>read the running state, the snapshot (unreadable: FAILED, nothing touched);</li>
 * <li>diff; empty: NO_CHANGE, nothing pushed;</li>
 * <li>write the crash journal, arm the device's commit-confirm timer if it has one, apply;</li>
 * <li>verify: read back (the diff must be empty), then probe through the tunnel every probe
 * interval until one answers or the verify timeout passes;</li>
 * <li>keep the change: CONFIRMED at once, or PENDING_CONFIRM until {@link #confirm} or the confirm
 * timeout in hold mode;</li>
 * <li>on any failure after the journal was written: roll back to the snapshot and record whether
 * the device matches it again ({@code restored}).</li>
 * </ol>
 * Every step runs on a serial executor of its own, confirmations and aborts from other threads too,
 * so the state below needs no lock; waits are timers on the {@link Scheduler}, never a blocked thread.
 * Owned by one end at a time: the caller runs transactions of one end one after another.
 */
public final class ConfigTransaction {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigTransaction.class);

    private enum Phase { NEW, WORKING, PROBING, PENDING_CONFIRM, DONE }

    private final TransactionRequest request;
    private final VendorAdapter adapter;
    private final ConfigContext ctx;
    private final SerialExecutor steps;
    private final CompletableFuture<Transaction> first = new CompletableFuture<>();
    private final CompletableFuture<Transaction> outcome = new CompletableFuture<>();
    private final String who;

    private volatile Phase phase = Phase.NEW;
    private volatile Transaction pending;
    private volatile Scheduler.Cancellable timer;
    private volatile boolean shutDown;
    /** Set by {@link #abort} from any thread; a step in progress sees it at its next boundary. */
    private volatile String abortReason;
    private volatile Optional<TunnelIntent> running = Optional.empty();
    private volatile boolean runningKnown;

    // Confined to the serial executor.
    private Instant started;
    private ConfigSession session;
    private Renderer renderer;
    private Optional<TunnelIntent> snapshot = Optional.empty();
    private IntentDiff diff = IntentDiff.between(Optional.empty(), Optional.empty());
    private List<String> commands = List.of();
    private boolean journalWritten;
    private boolean armed;
    private Instant probeDeadline;
    private String lastProbeProblem = "";

    /**
     * A transaction ready to {@link #start()}.
     *
     * @param adapter the adapter selected for the device; kept for the whole transaction, so a
     *                rollback still has it if the adapter is withdrawn meanwhile
     */
    public ConfigTransaction(TransactionRequest request, VendorAdapter adapter, ConfigContext context) {
        this.request = request;
        this.adapter = adapter;
        this.ctx = context;
        this.steps = new SerialExecutor(context.executor());
        this.who = request.end() + " (device " + request.device() + ")";
    }

    /** Starts the transaction; the future completes with its final entry (never exceptionally but on shutdown). */
    public CompletableFuture<Transaction> start() {
        steps.execute(() -> step(this::begin));
        return outcome;
    }

    /** Completes with the first outcome: PENDING_CONFIRM in hold mode, otherwise the final one. */
    public CompletableFuture<Transaction> firstOutcome() {
        return first;
    }

    /** Completes with the final entry. */
    public CompletableFuture<Transaction> outcome() {
        return outcome;
    }

    /** The request this transaction runs. */
    public TransactionRequest request() {
        return request;
    }

    /** The adapter it holds. */
    public VendorAdapter adapter() {
        return adapter;
    }

    /** The PENDING_CONFIRM entry while the change waits for a confirmation. */
    public Optional<Transaction> pendingEntry() {
        return phase == Phase.PENDING_CONFIRM ? Optional.ofNullable(pending) : Optional.empty();
    }

    /** True once the final outcome is known. */
    public boolean isDone() {
        return phase == Phase.DONE;
    }

    /** The device's state as last read by this transaction, if {@link #runningKnown()}. */
    public Optional<TunnelIntent> running() {
        return running;
    }

    /** True if the transaction knows the device's state (read after its last change). */
    public boolean runningKnown() {
        return runningKnown;
    }

    /**
     * Keeps a change that waits for confirmation. The future fails with
     * {@link IllegalStateException} if nothing is pending (any more).
     */
    public CompletableFuture<Transaction> confirm(String by) {
        CompletableFuture<Transaction> result = new CompletableFuture<>();
        steps.execute(() -> step(() -> {
            if (phase != Phase.PENDING_CONFIRM) {
                result.completeExceptionally(new IllegalStateException(request.end() + " has no change pending confirmation"));
                return;
            }
            cancelTimer();
            outcome.whenComplete((t, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(t);
                }
            });
            keep("confirmed by " + by);
        }));
        return result;
    }

    /**
     * Ends the transaction early (its adapter is being withdrawn): a change waiting for probes or a
     * confirmation is rolled back at once with the adapter object this transaction holds; a step in
     * progress finishes its device call first and then rolls back.
     */
    public void abort(String reason) {
        if (abortReason == null) {
            abortReason = reason;
        }
        steps.execute(() -> step(() -> {
            if (phase == Phase.NEW) {
                phase = Phase.WORKING;
                started = ctx.clock().instant();
                fail(abortReason + "; nothing was changed");
            } else if (phase == Phase.PROBING || phase == Phase.PENDING_CONFIRM) {
                cancelTimer();
                rollback(abortReason);
            }
        }));
    }

    /**
     * Stops without a further device change (the manager is closing): timers are cancelled, the
     * journal record stays so the next start restores the snapshot, the futures fail.
     */
    public void shutdown() {
        shutDown = true;
        cancelTimer();
        try {
            steps.execute(this::closeSession);
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: executor already stopped, session left to the adapter", who);
        }
        CancellationException c = new CancellationException("configuration manager closed");
        first.completeExceptionally(c);
        outcome.completeExceptionally(c);
    }

    private void step(Runnable body) {
        if (shutDown) {
            return;
        }
        try {
            body.run();
        } catch (RuntimeException e) {
            LOG.error("{}: internal error in the configuration transaction", who, e);
            if (phase == Phase.DONE) {
                return;
            }
            try {
                if (journalWritten) {
                    rollback("internal error: " + e);
                } else {
                    fail("internal error: " + e);
                }
            } catch (RuntimeException again) {
                // Never leave the end's lane waiting for an outcome that cannot come.
                LOG.error("{}: internal error while ending the transaction", who, again);
                phase = Phase.DONE;
                cancelTimer();
                closeSession();
                Transaction t = new Transaction(request.end(), 0, started != null ? started : ctx.clock().instant(),
                        request.trigger(), request.intentLine(), diff.lines(), commands,
                        journalWritten ? Transaction.Result.ROLLED_BACK : Transaction.Result.FAILED,
                        "internal error: " + e + "; then " + again, false);
                first.complete(t);
                outcome.complete(t);
            }
        }
    }

    private void begin() {
        if (phase != Phase.NEW) {
            return;
        }
        phase = Phase.WORKING;
        started = ctx.clock().instant();
        if (abortReason != null) {
            fail(abortReason + "; nothing was changed");
            return;
        }
        Optional<TunnelIntent> wanted = request.wanted();
        if (wanted.isPresent()) {
            List<String> problems = ctx.validator().validate(wanted.get(), adapter);
            if (!problems.isEmpty()) {
                refuse(problems);
                return;
            }
        }
        try {
            renderer = new Renderer(adapter);
        } catch (IllegalArgumentException e) {
            refuse(List.of(e.getMessage()));
            return;
        }
        try {
            session = adapter.open(request.target());
            if (session == null) {
                throw new ConfigException("adapter " + adapter.vendor() + " returned no session", false);
            }
        } catch (ConfigException | RuntimeException e) {
            fail("cannot open a session to the device: " + message(e));
            return;
        }
        if (wanted.isPresent()) {
            List<String> problems;
            try {
                problems = session.check(wanted.get());
            } catch (ConfigException | RuntimeException e) {
                fail("the device's own checks could not run: " + message(e));
                return;
            }
            if (!problems.isEmpty()) {
                refuse(problems);
                return;
            }
        }
        try {
            snapshot = session.read(request.end(), request.role());
        } catch (ConfigException | RuntimeException e) {
            fail("cannot read the running state: " + message(e));
            return;
        }
        running = snapshot;
        runningKnown = true;
        diff = IntentDiff.between(snapshot, wanted);
        if (diff.isEmpty()) {
            Transaction t = record(Transaction.Result.NO_CHANGE, "running state already matches", false);
            if (request.operator()) {
                LOG.info("{}: no change needed ({}), entry {}", who, request.trigger(), t.number());
            } else {
                LOG.debug("{}: no change needed ({})", who, request.trigger());
            }
            finish(t);
            return;
        }
        commands = renderer.render(wanted, snapshot, diff);
        try {
            ctx.journal().write(new JournalRecord(request.end(), request.device(), request.role(), request.target(),
                    started, request.trigger(), snapshot, wanted));
            journalWritten = true;
        } catch (IOException | RuntimeException e) {
            fail("cannot write the crash journal, nothing was changed: " + message(e));
            return;
        }
        Optional<CommitConfirmBehaviour> confirmer = adapter.behaviour(CommitConfirmBehaviour.class);
        if (confirmer.isPresent()) {
            try {
                confirmer.get().arm(session, armTimeout());
                armed = true;
            } catch (ConfigException | RuntimeException e) {
                fail("the device's rollback timer could not be armed, nothing was changed: " + message(e));
                return;
            }
        }
        runningKnown = false;
        try {
            session.apply(commands);
        } catch (ConfigException e) {
            rollback((e.rejected() ? "device rejected the change: " : "channel failed while applying: ") + e.getMessage());
            return;
        } catch (RuntimeException e) {
            rollback("adapter failed while applying: " + message(e));
            return;
        }
        verify();
    }

    private void verify() {
        if (abortReason != null) {
            rollback(abortReason);
            return;
        }
        Optional<TunnelIntent> current;
        try {
            current = session.read(request.end(), request.role());
        } catch (ConfigException | RuntimeException e) {
            rollback("cannot read the state back after applying: " + message(e));
            return;
        }
        running = current;
        runningKnown = true;
        IntentDiff left = IntentDiff.between(current, request.wanted());
        if (!left.isEmpty()) {
            rollback("running state differs from the intent after applying: " + left);
            return;
        }
        if (request.wanted().isEmpty() || !ctx.settings().probeEnabled()) {
            verified(request.wanted().isEmpty() ? "interface removed" : "state read back matches (probe disabled)");
            return;
        }
        probeDeadline = ctx.clock().instant().plus(ctx.settings().verifyTimeout());
        phase = Phase.PROBING;
        probe();
    }

    private void probe() {
        if (phase != Phase.PROBING) {
            return;
        }
        if (abortReason != null) {
            rollback(abortReason);
            return;
        }
        TunnelIntent wanted = request.wanted().orElseThrow();
        Instant attempt = ctx.clock().instant();
        boolean answered;
        try {
            answered = session.probe(wanted, ctx.settings().probeInterval());
            if (!answered) {
                lastProbeProblem = "";
            }
        } catch (ConfigException | RuntimeException e) {
            answered = false;
            lastProbeProblem = " (last probe failed: " + message(e) + ")";
        }
        if (answered) {
            phase = Phase.WORKING;
            verified("state read back matches and " + Cidr.format(wanted.peerInner()) + " answered through the tunnel");
            return;
        }
        Instant now = ctx.clock().instant();
        if (!now.isBefore(probeDeadline)) {
            rollback("no answer from " + Cidr.format(wanted.peerInner()) + " through " + request.end() + " within "
                    + seconds(ctx.settings().verifyTimeout()) + lastProbeProblem);
            return;
        }
        Instant next = attempt.plus(ctx.settings().probeInterval());
        if (next.isAfter(probeDeadline)) {
            next = probeDeadline;
        }
        Duration wait = Duration.between(now, next);
        timer = ctx.scheduler().schedule(() -> steps.execute(() -> step(this::probe)),
                wait.isNegative() ? Duration.ZERO : wait);
    }

    private void verified(String how) {
        if (abortReason != null) {
            rollback(abortReason);
            return;
        }
        if (!request.hold()) {
            keep(how);
            return;
        }
        phase = Phase.PENDING_CONFIRM;
        Instant until = ctx.clock().instant().plus(ctx.settings().confirmTimeout());
        pending = record(Transaction.Result.PENDING_CONFIRM, how + "; waiting for confirmation until " + until, false);
        LOG.info("{}: applied and verified ({}), entry {} waits for confirmation until {}: {}", who, request.trigger(),
                pending.number(), until, diff);
        first.complete(pending);
        timer = ctx.scheduler().schedule(() -> steps.execute(() -> step(this::confirmTimedOut)),
                ctx.settings().confirmTimeout());
    }

    private void confirmTimedOut() {
        if (phase == Phase.PENDING_CONFIRM) {
            rollback("no confirmation within " + seconds(ctx.settings().confirmTimeout()));
        }
    }

    private void keep(String how) {
        phase = Phase.WORKING;
        if (armed) {
            try {
                adapter.behaviour(CommitConfirmBehaviour.class).orElseThrow().confirm(session);
            } catch (ConfigException | RuntimeException e) {
                rollback("the device did not take the confirmation: " + message(e));
                return;
            }
        }
        Transaction t = record(Transaction.Result.CONFIRMED, how, false);
        LOG.info("{}: confirmed entry {} ({}): {}", who, t.number(), request.trigger(), diff);
        finish(t);
    }

    private void rollback(String reason) {
        phase = Phase.WORKING;
        cancelTimer();
        Restorer.Outcome r;
        if (session == null || renderer == null) {
            r = new Restorer.Outcome(false, List.of(), "NOT restored: no session to the device");
        } else {
            try {
                r = new Restorer(adapter, renderer).restore(session, request.end(), request.role(), snapshot, armed,
                        request.wanted());
            } catch (RuntimeException e) {
                LOG.error("{}: internal error while rolling back", who, e);
                r = new Restorer.Outcome(false, List.of(), "NOT restored: internal error " + e);
            }
        }
        if (r.restored()) {
            running = snapshot;
            runningKnown = true;
        } else {
            runningKnown = false;
        }
        Transaction t = record(Transaction.Result.ROLLED_BACK, reason + "; " + r.detail(), r.restored());
        if (r.restored()) {
            LOG.warn("{}: rolled back entry {} ({}): {}; {}", who, t.number(), request.trigger(), reason, r.detail());
        } else {
            LOG.error("{}: rolled back entry {} ({}) but the device is NOT back to its previous state: {}; {}", who,
                    t.number(), request.trigger(), reason, r.detail());
        }
        finish(t);
    }

    private void refuse(List<String> problems) {
        Transaction t = record(Transaction.Result.REFUSED, String.join("; ", problems), false);
        LOG.warn("{}: refused ({}), nothing changed: {}", who, request.trigger(), String.join("; ", problems));
        finish(t);
    }

    private void fail(String reason) {
        Transaction t = record(Transaction.Result.FAILED, reason, false);
        LOG.warn("{}: failed ({}): {}", who, request.trigger(), reason);
        finish(t);
    }

    private void finish(Transaction t) {
        phase = Phase.DONE;
        cancelTimer();
        if (journalWritten) {
            try {
                ctx.journal().clear(request.end());
            } catch (IOException | RuntimeException e) {
                LOG.error("{}: journal record not cleared, the next start will restore the snapshot again: {}", who,
                        message(e));
            }
        }
        closeSession();
        ctx.counters().count(t.result(), started == null ? java.time.Duration.ZERO
                : java.time.Duration.between(started, ctx.clock().instant()));
        first.complete(t);
        outcome.complete(t);
    }

    private Transaction record(Transaction.Result result, String detail, boolean restored) {
        Transaction draft = new Transaction(request.end(), 0, started, request.trigger(), request.intentLine(),
                diff.lines(), commands, result, detail, restored);
        if (result == Transaction.Result.NO_CHANGE && !request.operator()) {
            return draft;
        }
        try {
            Transaction p = pending;
            if (p != null) {
                return ctx.history().update(new Transaction(p.end(), p.number(), p.time(), p.trigger(), p.intent(),
                        p.diff(), p.commands(), result, detail, restored), request.wanted());
            }
            return ctx.history().append(draft, request.wanted());
        } catch (RuntimeException e) {
            LOG.error("{}: history entry not written ({} {}): {}", who, result, detail, message(e));
            return draft;
        }
    }

    private void closeSession() {
        ConfigSession s = session;
        session = null;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.debug("{}: closing the session failed: {}", who, e.toString());
            }
        }
    }

    private void cancelTimer() {
        Scheduler.Cancellable t = timer;
        timer = null;
        if (t != null) {
            t.cancel();
        }
    }

    private Duration armTimeout() {
        Duration d = ctx.settings().verifyTimeout().plus(ctx.settings().deviceTimerMargin());
        return request.hold() ? d.plus(ctx.settings().confirmTimeout()) : d;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String message(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
