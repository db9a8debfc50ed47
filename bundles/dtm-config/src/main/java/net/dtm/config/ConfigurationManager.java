package net.dtm.config;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DtmException;
import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.EndView;
import net.dtm.api.config.Preview;
import net.dtm.api.config.Transaction;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The tunnel ends this node configures. Components feed it intents ({@link #setIntent},
 * {@link #removeEnd}) and adapters ({@link #addAdapter}, {@link #removeAdapter}); it runs every
 * change through a {@link ConfigTransaction}, one at a time per end, and answers operators through
 * {@link ConfigurationService}. Intents that arrive while an end is busy are coalesced: only the
 * newest is applied next. Call {@link #reconcileAtStart} once at start, before feeding intents.
 */
public final class ConfigurationManager implements ConfigurationService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationManager.class);

    private final ConfigContext ctx;
    private final AdapterRegistry registry = new AdapterRegistry();
    private final EndLanes lanes;
    private final Reconciler reconciler;
    private final ConcurrentMap<String, EndState> ends = new ConcurrentHashMap<>();
    private final Set<ConfigTransaction> active = ConcurrentHashMap.newKeySet();
    private final List<ExecutorService> owned;
    private final Object reconcileLock = new Object();
    private final List<JournalRecord> waitingRecords = new ArrayList<>();
    private final Set<DeviceTarget> waitingTargets = new LinkedHashSet<>();
    private final Set<String> keptByJournal = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** One end: guarded by its own monitor. */
    private static final class EndState {
        final String name;
        TunnelIntent.Role role;
        String device;
        DeviceTarget target;
        Optional<TunnelIntent> intent = Optional.empty();
        String trigger = "";
        boolean removing;
        boolean automaticQueued;
        final List<CompletableFuture<Transaction>> waiting = new ArrayList<>();
        ConfigTransaction current;
        Optional<TunnelIntent> running = Optional.empty();
        boolean runningKnown;
        String lastState = "out-of-sync";

        EndState(String name) {
            this.name = name;
        }
    }

    /**
     * A manager over the state in {@code settings.stateDirectory()} (journal and history, created
     * mode 700). The executor runs transaction steps, which block on device calls; the scheduler
     * holds their timers. The caller owns both.
     *
     * @throws IOException if the state folders cannot be created
     */
    public ConfigurationManager(ConfigSettings settings, Clock clock, Scheduler scheduler, Executor executor)
            throws IOException {
        this(settings, clock, scheduler, executor, List.of());
    }

    private ConfigurationManager(ConfigSettings settings, Clock clock, Scheduler scheduler, Executor executor,
                                 List<ExecutorService> owned) throws IOException {
        this.ctx = new ConfigContext(settings, clock, scheduler, executor, new IntentValidator(),
                new Journal(settings.journalDirectory()), new HistoryStore(settings.historyDirectory(),
                settings.historySize()), new ConfigCounters());
        this.lanes = new EndLanes(executor);
        this.reconciler = new Reconciler(ctx);
        this.owned = owned;
    }

    /**
     * A manager on the system clock with executors of its own ({@code threads} workers for device
     * calls, one timer thread), which {@link #close()} stops.
     */
    public static ConfigurationManager create(ConfigSettings settings, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("worker threads must be at least 1, got " + threads);
        }
        ExecutorService workers = Executors.newFixedThreadPool(threads, named("dtm-config-worker"));
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(named("dtm-config-timer"));
        try {
            return new ConfigurationManager(settings, Clock.systemUTC(), new ExecutorScheduler(timers), workers,
                    List.of(workers, timers));
        } catch (IOException | RuntimeException e) {
            workers.shutdownNow();
            timers.shutdownNow();
            throw e;
        }
    }

    // ---------------------------------------------------------------- adapters

    /**
     * Installs an adapter with its service properties. Ends that had no adapter and now have one are
     * applied, and interrupted transactions waiting for it are undone.
     *
     * @throws IllegalArgumentException if the properties lack {@value VendorAdapter#PROP_VENDOR}
     */
    public void addAdapter(VendorAdapter adapter, Map<String, ?> properties) {
        registry.add(adapter, properties);
        LOG.info("vendor adapter {} installed from {}", adapter.vendor(),
                properties.get(AdapterRegistry.PROP_BUNDLE) instanceof String b ? b : adapter.getClass().getName());
        runWaitingReconcile();
        for (EndState e : ends.values()) {
            boolean retry;
            synchronized (e) {
                retry = e.lastState.equals("no-adapter") && e.current == null && registry.select(e.target).isPresent();
                if (retry) {
                    e.trigger = "adapter " + adapter.vendor() + " installed";
                }
            }
            if (retry) {
                scheduleAutomatic(e);
            }
        }
    }

    /**
     * Withdraws an adapter. A transaction using it ends now: rolled back with the adapter object it
     * holds, its outcome recorded. Ends another adapter now serves are applied again through it.
     */
    public void removeAdapter(VendorAdapter adapter) {
        if (!registry.remove(adapter)) {
            return;
        }
        LOG.info("vendor adapter {} withdrawn", adapter.vendor());
        for (ConfigTransaction tx : active) {
            if (tx.adapter() != adapter) {
                continue;
            }
            tx.abort("adapter " + adapter.vendor() + " withdrawn");
            EndState e = ends.get(tx.request().end());
            if (e != null) {
                tx.outcome().whenComplete((t, err) -> {
                    boolean retry;
                    synchronized (e) {
                        retry = err == null && registry.select(e.target).isPresent();
                        if (retry) {
                            e.trigger = "adapter " + adapter.vendor() + " withdrawn, another takes over";
                        }
                    }
                    if (retry) {
                        scheduleAutomatic(e);
                    }
                });
            }
        }
    }

    @Override
    public List<AdapterInfo> adapters() {
        return registry.adapters();
    }

    // ---------------------------------------------------------------- start

    /**
     * Undoes every transaction the journal says a previous run left half done, then removes from
     * each of {@code targets} (and every device named in the journal) the interfaces with DTM's
     * prefix that no end accounts for: a registered end, the newest CONFIRMED history entry of that
     * name when it applied an intent, or a snapshot just restored. Work for a device without an
     * adapter yet waits until {@link #addAdapter} brings one. The future completes when what could
     * be done now is done.
     */
    public CompletableFuture<Void> reconcileAtStart(Collection<DeviceTarget> targets) {
        List<JournalRecord> records = ctx.journal().records();
        synchronized (reconcileLock) {
            waitingRecords.addAll(records);
            records.forEach(r -> waitingTargets.add(r.target()));
            waitingTargets.addAll(targets);
        }
        if (!records.isEmpty()) {
            LOG.warn("{} interrupted configuration transactions found in the journal: undoing them", records.size());
        }
        return runWaitingReconcile();
    }

    private CompletableFuture<Void> runWaitingReconcile() {
        List<CompletableFuture<?>> restores = new ArrayList<>();
        List<DeviceTarget> ready = new ArrayList<>();
        synchronized (reconcileLock) {
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
        lanes.submit(lane(record.end(), record.target()), () -> {
            if (!ctx.journal().read(record.end()).equals(Optional.of(record))) {
                done.complete(null); // a newer transaction has already replaced the record
                return done;
            }
            Optional<VendorAdapter> adapter = registry.select(record.target());
            if (adapter.isEmpty()) {
                synchronized (reconcileLock) {
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
            synchronized (reconcileLock) {
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
            lanes.submit(lane(name, target), () -> {
                if (accounted(name)) {
                    first.complete(null);
                    return first;
                }
                LOG.warn("{} on {}: no end accounts for this tunnel interface, removing it", name, where(target));
                return run(null, new TransactionRequest(name, TunnelIntent.Role.DEVICE, where(target), target,
                        Optional.empty(), Reconciler.TRIGGER + ": stray interface", false, false), first);
            });
            removals.add(first);
        }
        return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new));
    }

    private boolean accounted(String name) {
        return ends.containsKey(name) || keptByJournal.contains(name)
                || ctx.history().lastConfirmed(name).flatMap(HistoryEntry::intent).isPresent();
    }

    // ---------------------------------------------------------------- intents

    /**
     * Sets what end {@code end} must be and applies it automatically (empty: the interface must not
     * exist). The future completes with the outcome of the transaction that applied this intent or
     * a newer one (number 0 when nothing was recorded).
     *
     * @throws IllegalArgumentException if {@code end} is not an interface name or the intent names another
     */
    public CompletableFuture<Transaction> setIntent(String end, TunnelIntent.Role role, String device, DeviceTarget target,
                                                    Optional<TunnelIntent> intent, String trigger) {
        if (!IntentValidator.validName(end)) {
            throw new IllegalArgumentException("'" + end + "' is not an interface name (1 to 15 of A-Z a-z 0-9 _ . -)");
        }
        intent.ifPresent(i -> {
            if (!i.name().equals(end)) {
                throw new IllegalArgumentException("intent names interface " + i.name() + " but the end is " + end);
            }
        });
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("configuration manager closed"));
        }
        EndState state = ends.compute(end, (k, old) -> {
            EndState e = old != null ? old : new EndState(k);
            synchronized (e) {
                e.role = role;
                e.device = device;
                e.target = target;
                e.intent = intent;
                e.trigger = trigger;
                e.removing = false;
            }
            return e;
        });
        return scheduleAutomatic(state);
    }

    /**
     * Removes end {@code end}: its interface is deleted through the transaction and the end is
     * forgotten once the device no longer has it. An unknown end completes at once with an
     * unrecorded NO_CHANGE.
     */
    public CompletableFuture<Transaction> removeEnd(String end, String trigger) {
        EndState state = ends.computeIfPresent(end, (k, e) -> {
            synchronized (e) {
                e.intent = Optional.empty();
                e.removing = true;
                e.trigger = trigger;
            }
            return e;
        });
        if (state == null) {
            return CompletableFuture.completedFuture(new Transaction(end, 0, ctx.clock().instant(), trigger,
                    "remove " + end, List.of(), List.of(), Transaction.Result.NO_CHANGE, "unknown end", false));
        }
        return scheduleAutomatic(state);
    }

    private CompletableFuture<Transaction> scheduleAutomatic(EndState e) {
        CompletableFuture<Transaction> f = new CompletableFuture<>();
        boolean queue;
        synchronized (e) {
            e.waiting.add(f);
            queue = !e.automaticQueued;
            e.automaticQueued = true;
        }
        if (queue) {
            lanes.submit(lane(e), () -> runAutomatic(e));
        }
        return f;
    }

    private CompletableFuture<Transaction> runAutomatic(EndState e) {
        List<CompletableFuture<Transaction>> waiters;
        TransactionRequest request;
        synchronized (e) {
            e.automaticQueued = false;
            waiters = new ArrayList<>(e.waiting);
            e.waiting.clear();
            request = new TransactionRequest(e.name, e.role, e.device, e.target, e.intent, e.trigger, false, false);
        }
        return run(e, request, new CompletableFuture<>()).whenComplete((t, err) -> {
            for (CompletableFuture<Transaction> w : waiters) {
                if (err != null) {
                    w.completeExceptionally(err);
                } else {
                    w.complete(t);
                }
            }
            if (t != null && (t.result() == Transaction.Result.CONFIRMED || t.result() == Transaction.Result.NO_CHANGE)) {
                ends.computeIfPresent(e.name, (k, v) -> {
                    synchronized (v) {
                        return v == e && v.removing && v.current == null && !v.automaticQueued ? null : v;
                    }
                });
            }
        });
    }

    /** Runs one transaction for end state {@code e} (null for an interface no end owns). */
    private CompletableFuture<Transaction> run(EndState e, TransactionRequest request,
                                               CompletableFuture<Transaction> first) {
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
                synchronized (e) {
                    if (e.current == tx) {
                        e.current = null;
                    }
                    e.runningKnown = tx.runningKnown();
                    e.running = tx.running();
                    e.lastState = t == null ? "out-of-sync" : switch (t.result()) {
                        case REFUSED -> "refused";
                        case FAILED -> "unreadable";
                        default -> "synced";
                    };
                }
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

    // ---------------------------------------------------------------- ConfigurationService

    @Override
    public List<EndView> ends() {
        return ends.values().stream().sorted(Comparator.comparing(e -> e.name)).map(this::view).toList();
    }

    private EndView view(EndState e) {
        synchronized (e) {
            return view(e, e.runningKnown, e.running);
        }
    }

    /** The end as operators see it, {@code running} ignored unless {@code known}. Caller locks e. */
    private EndView view(EndState e, boolean known, Optional<TunnelIntent> running) {
        Optional<IntentDiff> diff = known ? Optional.of(IntentDiff.between(running, e.intent)) : Optional.empty();
        return new EndView(e.name, role(e.role), e.device, registry.select(e.target).map(VendorAdapter::vendor),
                e.intent.map(TunnelIntent::describe), known ? running.map(TunnelIntent::describe) : Optional.empty(),
                diff.map(IntentDiff::lines).orElse(List.of()), state(e, diff), lastEntry(e.name));
    }

    private String state(EndState e, Optional<IntentDiff> diff) {
        if (e.current != null) {
            return e.current.pendingEntry().isPresent() ? "pending-confirm" : "applying";
        }
        if (registry.select(e.target).isEmpty()) {
            return "no-adapter";
        }
        if (!e.lastState.equals("synced") && !e.lastState.equals("out-of-sync")) {
            return e.lastState;
        }
        return diff.map(d -> d.isEmpty() ? "in-sync" : "out-of-sync").orElse("out-of-sync");
    }

    @Override
    public Optional<EndView> show(String end) {
        EndState e = ends.get(end);
        if (e == null) {
            return Optional.empty();
        }
        DeviceTarget target;
        String device;
        TunnelIntent.Role role;
        synchronized (e) {
            target = e.target;
            device = e.device;
            role = e.role;
        }
        Optional<VendorAdapter> adapter = registry.select(target);
        if (adapter.isEmpty()) {
            return Optional.of(view(e));
        }
        Optional<TunnelIntent> running = readNow(adapter.get(), target, end, device, role);
        synchronized (e) {
            if (e.current == null) {
                e.running = running;
                e.runningKnown = true;
            }
            return Optional.of(view(e, true, running));
        }
    }

    @Override
    public Preview preview(String end) {
        EndState e = known(end);
        DeviceTarget target;
        String device;
        TunnelIntent.Role role;
        Optional<TunnelIntent> wanted;
        synchronized (e) {
            target = e.target;
            device = e.device;
            role = e.role;
            wanted = e.intent;
        }
        VendorAdapter adapter = adapterFor(end, target);
        List<String> problems = new ArrayList<>(wanted.map(w -> ctx.validator().validate(w, adapter)).orElse(List.of()));
        try (ConfigSession session = adapter.open(target)) {
            if (problems.isEmpty() && wanted.isPresent()) {
                problems.addAll(session.check(wanted.get()));
            }
            Optional<TunnelIntent> running = session.read(end, role);
            IntentDiff diff = IntentDiff.between(running, wanted);
            List<String> commands = problems.isEmpty() ? new Renderer(adapter).render(wanted, running, diff) : List.of();
            return new Preview(end, diff.lines(), commands, problems);
        } catch (ConfigException | RuntimeException ex) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, "cannot read " + end + " on device " + device + ": "
                    + ex.getMessage(), ex);
        }
    }

    @Override
    public Transaction apply(String end, String who, boolean holdForConfirm) {
        EndState e = known(end);
        TransactionRequest request;
        synchronized (e) {
            refuseWhilePending(e);
            adapterFor(end, e.target);
            request = new TransactionRequest(e.name, e.role, e.device, e.target, e.intent, who, true,
                    holdForConfirm);
        }
        return runForOperator(e, request, "apply to " + end);
    }

    @Override
    public Transaction confirm(String end, String who) {
        EndState e = known(end);
        ConfigTransaction tx;
        synchronized (e) {
            tx = e.current;
        }
        if (tx == null || tx.pendingEntry().isEmpty()) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, end + " has no change pending confirmation");
        }
        return await(tx.confirm(who), "confirmation of " + end);
    }

    @Override
    public List<Transaction> history(String end) {
        if (!IntentValidator.validName(end)) {
            return List.of();
        }
        return ctx.history().entries(end).stream().map(HistoryEntry::transaction).toList();
    }

    @Override
    public Transaction rollback(String end, int number, String who) {
        EndState e = known(end);
        HistoryEntry entry = ctx.history().entry(end, number).orElseThrow(() -> new DtmException(
                DtmException.Reason.BAD_REQUEST, end + " has no history entry " + number + " (the newest is "
                + ctx.history().lastNumber(end) + ", the oldest kept " + oldest(end) + ")"));
        TransactionRequest request;
        synchronized (e) {
            refuseWhilePending(e);
            adapterFor(end, e.target);
            e.intent = entry.intent();
            e.removing = false;
            request = new TransactionRequest(e.name, e.role, e.device, e.target, entry.intent(),
                    "rollback to " + number + " by " + who, true, false);
        }
        return runForOperator(e, request, "rollback of " + end + " to entry " + number);
    }

    /** Outcome counters since start. */
    public ConfigCounters counters() {
        return ctx.counters();
    }

    /** The settings in use. */
    public ConfigSettings settings() {
        return ctx.settings();
    }

    /**
     * Stops timers and, if this manager created them, its executors. Changes waiting for a probe or a
     * confirmation keep their journal record, so the next start rolls them back.
     */
    @Override
    public void close() {
        closed = true;
        for (ConfigTransaction tx : active) {
            tx.shutdown();
        }
        for (ExecutorService s : owned) {
            s.shutdownNow();
        }
        for (ExecutorService s : owned) {
            try {
                if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("configuration executor still busy 5 s after close (a device call that does not time out?)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The lane a job of end {@code end} on {@code target} runs in. Ends on this machine each have
     * their own (a gateway builds many core ends side by side). Ends on a remote device share the
     * device's: the platforms' safety nets are device-wide (an IOS revert restores the whole running
     * configuration, RouterOS undoes everything done while safe mode was held, rpcd keeps one
     * pending rollback, VRP one trial), so two changes on one router must never overlap.
     */
    static String lane(String end, DeviceTarget target) {
        return target == null || target.isLocal() ? end : "@" + target.host() + ":" + target.port();
    }

    private static String lane(EndState e) {
        synchronized (e) {
            return lane(e.name, e.target);
        }
    }

    private Transaction runForOperator(EndState e, TransactionRequest request, String what) {
        CompletableFuture<Transaction> first = new CompletableFuture<>();
        lanes.submit(lane(e), () -> run(e, request, first));
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

    private EndState known(String end) {
        EndState e = end == null ? null : ends.get(end);
        if (e == null) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, "no tunnel end named '" + end + "'");
        }
        return e;
    }

    private void refuseWhilePending(EndState e) {
        if (e.current != null) {
            e.current.pendingEntry().ifPresent(p -> {
                throw new DtmException(DtmException.Reason.BAD_REQUEST, e.name + " has a change pending confirmation"
                        + " (entry " + p.number() + "): confirm it or let it roll back first");
            });
        }
    }

    /** True if an installed adapter serves {@code target} now. */
    public boolean hasAdapterFor(DeviceTarget target) {
        return registry.select(target).isPresent();
    }

    private VendorAdapter adapterFor(String end, DeviceTarget t) {
        return registry.select(t).orElseThrow(() -> new DtmException(DtmException.Reason.BAD_REQUEST,
                "no adapter serves " + end + " (vendor " + t.vendor() + (t.model().isEmpty() ? "" : ", model " + t.model())
                + (t.osVersion().isEmpty() ? "" : ", OS " + t.osVersion()) + ")"));
    }

    /**
     * Probes the tunnel of end {@code end} now (traffic to its peer's inner address), outside any
     * transaction: for a health check of a confirmed tunnel. Empty when there is nothing to judge:
     * no such end, probing switched off (the device does not answer probes), no intent, no adapter,
     * a transaction running, or the device could not be asked.
     */
    public Optional<Boolean> probe(String end, java.time.Duration timeout) {
        EndState e = ends.get(end);
        if (e == null || !ctx.settings().probeEnabled()) {
            return Optional.empty();
        }
        DeviceTarget target;
        TunnelIntent intent;
        synchronized (e) {
            if (e.current != null || e.intent.isEmpty()) {
                return Optional.empty();
            }
            target = e.target;
            intent = e.intent.get();
        }
        Optional<VendorAdapter> adapter = registry.select(target);
        if (adapter.isEmpty()) {
            return Optional.empty();
        }
        try (ConfigSession session = adapter.get().open(target)) {
            return Optional.of(session.probe(intent, timeout));
        } catch (ConfigException | RuntimeException ex) {
            LOG.debug("{}: health probe not run: {}", end, ex.getMessage());
            return Optional.empty();
        }
    }

    private Optional<TunnelIntent> readNow(VendorAdapter adapter, DeviceTarget target, String end, String device,
                                           TunnelIntent.Role role) {
        try (ConfigSession session = adapter.open(target)) {
            return session.read(end, role);
        } catch (ConfigException | RuntimeException ex) {
            throw new DtmException(DtmException.Reason.BAD_REQUEST, "cannot read " + end + " on device " + device + ": "
                    + ex.getMessage(), ex);
        }
    }

    private int lastEntry(String end) {
        try {
            return ctx.history().lastNumber(end);
        } catch (RuntimeException e) {
            LOG.warn("{}: history unreadable: {}", end, e.getMessage());
            return 0;
        }
    }

    private int oldest(String end) {
        List<HistoryEntry> all = ctx.history().entries(end);
        return all.isEmpty() ? 0 : all.get(all.size() - 1).transaction().number();
    }

    private static String role(TunnelIntent.Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }

    private static String where(DeviceTarget t) {
        return t.isLocal() ? t.vendor() + "@local" : t.vendor() + "@" + t.host();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
