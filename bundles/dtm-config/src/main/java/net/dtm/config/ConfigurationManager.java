package net.dtm.config;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.ConfigurationService;
import net.dtm.api.config.EndView;
import net.dtm.api.config.Preview;
import net.dtm.api.config.Transaction;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.VendorAdapter;

/**
 * The tunnel ends this node configures. Components feed it intents ({@link #setIntent},
 * {@link #removeEnd}) and adapters ({@link #addAdapter}, {@link #removeAdapter}); it runs every
 * change through a {@link ConfigTransaction}, one at a time per end, and answers operators through
 * {@link ConfigurationService}. Intents that arrive while an end is busy are coalesced: only the
 * newest is applied next. Call {@link #reconcileAtStart} once at start, before feeding intents.
 *
 * <p>This class holds the ends and coalesces their automatic changes; transactions are started by
 * {@link TransactionRunner}, the start is {@link StartReconciliation}, operators' reads are
 * {@link EndViews} and their changes {@link OperatorActions}.
 */
public final class ConfigurationManager implements ConfigurationService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationManager.class);

    private final ConfigContext ctx;
    private final AdapterRegistry registry = new AdapterRegistry();
    private final EndLanes lanes;
    private final ConcurrentMap<String, EndState> ends = new ConcurrentHashMap<>();
    private final TransactionRunner runner;
    private final StartReconciliation start;
    private final EndViews views;
    private final OperatorActions operator;
    private final List<ExecutorService> owned;

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
        this.runner = new TransactionRunner(ctx, registry);
        this.start = new StartReconciliation(ctx, registry, lanes, runner, ends::containsKey);
        this.views = new EndViews(ctx, registry, ends);
        this.operator = new OperatorActions(ctx, registry, ends, lanes, runner);
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
        start.runWaiting();
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
        for (ConfigTransaction tx : runner.active()) {
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
        return start.start(targets);
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
        if (runner.closed()) {
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
            lanes.submit(e.lane(), () -> runAutomatic(e));
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
            request = e.automaticRequest();
        }
        return runner.run(e, request, new CompletableFuture<>()).whenComplete((t, err) -> {
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

    // ---------------------------------------------------------------- ConfigurationService

    @Override
    public List<EndView> ends() {
        return views.ends();
    }

    @Override
    public Optional<EndView> show(String end) {
        return views.show(end);
    }

    @Override
    public Preview preview(String end) {
        return views.preview(end);
    }

    @Override
    public Transaction apply(String end, String who, boolean holdForConfirm) {
        return operator.apply(end, who, holdForConfirm);
    }

    @Override
    public Transaction confirm(String end, String who) {
        return operator.confirm(end, who);
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
        return operator.rollback(end, number, who);
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
        runner.close();
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

    /** True if an installed adapter serves {@code target} now. */
    public boolean hasAdapterFor(DeviceTarget target) {
        return registry.select(target).isPresent();
    }

    /**
     * Probes the tunnel of end {@code end} now (traffic to its peer's inner address), outside any
     * transaction: for a health check of a confirmed tunnel. Empty when there is nothing to judge:
     * no such end, probing switched off (the device does not answer probes), no intent, no adapter,
     * a transaction running, or the device could not be asked.
     */
    public Optional<Boolean> probe(String end, java.time.Duration timeout) {
        return views.probe(end, timeout);
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
