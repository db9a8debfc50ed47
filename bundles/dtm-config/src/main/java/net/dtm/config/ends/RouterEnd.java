package net.dtm.config.ends;

import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.TunnelEvent;
import net.dtm.api.TunnelListener;
import net.dtm.api.config.Transaction;
import net.dtm.config.ConfigurationManager;
import net.dtm.config.intent.DeviceIntents;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/**
 * The router's own tunnel end: every tunnel event that changes what the tunnel must be becomes the
 * end's new intent, applied through the safe transaction (the manager coalesces a burst of events
 * into the newest). Events that leave the tunnel as it is (released, lost: a new tunnel replaces it
 * in one change) change nothing.
 * <p>
 * It remembers the last tunnel that worked. Parameters that were rolled back or refused are not
 * tried again while the server keeps handing them out: the working tunnel follows the links
 * instead, so a bad parameter never leaves the router without the tunnel it had, even when the
 * link under that tunnel dies later. A move to another link that fails (the new link's tunnel did
 * not verify) is tried again every {@link #RETRY} with the link the agent uses then, so the router
 * and the agent never stay apart on two links.
 */
public final class RouterEnd implements TunnelListener {

    private static final Logger LOG = LoggerFactory.getLogger(RouterEnd.class);

    /** Pause before a failed move is tried again. */
    static final java.time.Duration RETRY = java.time.Duration.ofSeconds(5);

    private final DeviceIntents intents;
    private final ConfigurationManager manager;
    private final DeviceTarget target;
    private final java.util.concurrent.Executor retryLater;

    // guarded by this
    private TunnelIntent working;
    private TunnelIntent refused;
    private TunnelEvent latest;
    private long generation;

    public RouterEnd(DeviceIntents intents, ConfigurationManager manager, DeviceTarget target) {
        this(intents, manager, target, java.util.concurrent.CompletableFuture.delayedExecutor(
                RETRY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    /** @param retryLater runs a retry of a failed move after a pause */
    public RouterEnd(DeviceIntents intents, ConfigurationManager manager, DeviceTarget target,
                     java.util.concurrent.Executor retryLater) {
        this.intents = Objects.requireNonNull(intents, "intents");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.target = Objects.requireNonNull(target, "target");
        this.retryLater = Objects.requireNonNull(retryLater, "retryLater");
    }

    /** The interface name of this end. */
    public String name() {
        return intents.name();
    }

    @Override
    public void tunnelChanged(TunnelEvent event) {
        Optional<TunnelIntent> intent;
        try {
            intent = intents.after(event);
        } catch (RuntimeException e) {
            LOG.warn("tunnel event {} of device={} not turned into configuration: {}", event.type(), event.device(),
                    e.getMessage());
            return;
        }
        if (intent.isEmpty()) {
            LOG.debug("tunnel event {} of device={} leaves {} as it is", event.type(), event.device(), intents.name());
            return;
        }
        apply(event, intent.get(), trigger(event));
    }

    private void apply(TunnelEvent event, TunnelIntent wanted, String trigger) {
        TunnelIntent intent;
        long g;
        synchronized (this) {
            latest = event;
            g = ++generation;
            intent = wanted;
            if (refused != null && working != null && sameTunnel(wanted, refused)) {
                intent = working.withLocalOuter(wanted.localOuter());
                LOG.info("{}: parameters refused before are handed out again; keeping the working tunnel ({})",
                        intents.name(), trigger);
            }
        }
        TunnelIntent applied = intent;
        manager.setIntent(intents.name(), TunnelIntent.Role.DEVICE, event.device().value(), target, Optional.of(intent),
                trigger).whenComplete((tx, err) -> outcome(g, applied, tx, err));
    }

    private void outcome(long g, TunnelIntent applied, Transaction tx, Throwable err) {
        TunnelEvent retryWith = null;
        TunnelIntent retryIntent = null;
        synchronized (this) {
            if (g != generation || err != null || tx == null) {
                return; // a newer event took over, or the manager closed
            }
            switch (tx.result()) {
                case CONFIRMED, NO_CHANGE -> {
                    working = applied;
                    if (refused != null && sameTunnel(applied, refused)) {
                        refused = null;
                    }
                }
                case ROLLED_BACK, REFUSED, FAILED -> {
                    if (!manager.hasAdapterFor(target)) {
                        return; // nothing was tried: the manager applies this end when an adapter comes
                    }
                    if (working != null && !sameTunnel(applied, working)) {
                        // new parameters did not work: remember them, and bring the working tunnel
                        // to the link the agent uses now
                        refused = applied;
                        if (!working.localOuter().equals(applied.localOuter())) {
                            retryWith = latest;
                            retryIntent = working.withLocalOuter(applied.localOuter());
                        }
                    } else if (working != null) {
                        // the working tunnel did not come up on the new link: try again shortly
                        retryWith = latest;
                        retryIntent = applied;
                    }
                }
                default -> {
                    return;
                }
            }
        }
        if (retryWith != null) {
            TunnelEvent event = retryWith;
            TunnelIntent again = retryIntent;
            LOG.warn("{}: {} ({}); the working tunnel is tried again on the agent's link in {} s", intents.name(),
                    tx.result().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), tx.detail(), RETRY.toSeconds());
            retryLater.execute(() -> {
                synchronized (this) {
                    if (g != generation) {
                        return;
                    }
                }
                apply(event, again, "retry: working tunnel on " + event.path().map(p -> p.linkId()).orElse("the agent's link"));
            });
        }
    }

    /** The same tunnel but perhaps on another link: every field but the local outer address. */
    static boolean sameTunnel(TunnelIntent a, TunnelIntent b) {
        return a.withLocalOuter(b.localOuter()).equals(b);
    }

    static String trigger(TunnelEvent e) {
        String server = e.parameters().map(p -> " (server " + p.serverNodeId() + ")").orElse("");
        String link = e.path().map(p -> " over " + p.linkId()).orElse("");
        return switch (e.type()) {
            case ESTABLISHED -> "tunnel established" + server + link;
            case PARAMETERS_CHANGED -> "tunnel parameters changed" + server;
            case PATH_MOVED -> "tunnel path moved" + link;
            case RELEASED -> "tunnel released";
            case LOST -> "tunnel lost";
        };
    }
}
