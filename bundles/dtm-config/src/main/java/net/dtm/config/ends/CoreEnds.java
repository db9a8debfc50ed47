package net.dtm.config.ends;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.LeaseEvent;
import net.dtm.api.LeaseListener;
import net.dtm.api.Pool;
import net.dtm.api.config.EndView;
import net.dtm.config.ConfigurationManager;
import net.dtm.config.intent.GatewayIntents;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/**
 * The core ends this node's gateway carries, one per device whose tunnel server this node is:
 * built on BOUND, kept current on RENEWED and PATH_CHANGED, removed on RELEASED, EXPIRED, RECLAIMED
 * and MOVED_AWAY. {@link #sweep()} removes what events cannot catch: a core end whose lease is no
 * longer active (a node restarted and missed the release), or one left from before a restart that
 * no device has claimed within the orphan time.
 */
public final class CoreEnds implements LeaseListener {

    private static final Logger LOG = LoggerFactory.getLogger(CoreEnds.class);

    /** What a core end serves. */
    record Served(String pool, DeviceId device) {
    }

    private final GatewayIntents intents;
    private final ConfigurationManager manager;
    private final DeviceTarget target;
    private final Function<String, Optional<Pool>> pools;
    private final BiFunction<String, DeviceId, Optional<Lease>> leases;
    private final Clock clock;
    private final Duration orphanAfter;
    private final Instant started;
    private final Map<String, Served> served = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean wireGuardWarned = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * @param pools       a pool by name
     * @param leases      a device's lease in a pool, as the store has it now
     * @param orphanAfter how long a core end found at start may wait for its device to renew
     */
    public CoreEnds(GatewayIntents intents, ConfigurationManager manager, DeviceTarget target,
                    Function<String, Optional<Pool>> pools, BiFunction<String, DeviceId, Optional<Lease>> leases,
                    Clock clock, Duration orphanAfter) {
        this.intents = Objects.requireNonNull(intents, "intents");
        this.manager = Objects.requireNonNull(manager, "manager");
        this.target = Objects.requireNonNull(target, "target");
        this.pools = Objects.requireNonNull(pools, "pools");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.orphanAfter = Objects.requireNonNull(orphanAfter, "orphanAfter");
        this.started = clock.instant();
    }

    @Override
    public void leaseChanged(LeaseEvent event) {
        Lease lease = event.lease();
        Optional<Pool> pool = pools.apply(lease.pool());
        if (pool.isEmpty()) {
            LOG.warn("lease event {} of device={}: pool {} unknown, core end left alone", event.type(), lease.device(),
                    lease.pool());
            return;
        }
        String end = intents.name(pool.get().routedPrefix(lease.address()));
        String what = "lease " + event.type().name().toLowerCase(java.util.Locale.ROOT) + " (device " + lease.device() + ")";
        Optional<String> owner = owner(end);
        if (GatewayIntents.removes(event)) {
            // only the device's own end: a late event of a device whose address has since gone to
            // another must not take the new device's tunnel down
            if (owner.isPresent() && owner.get().equals(lease.device().value())) {
                served.remove(end);
                manager.removeEnd(end, what);
            }
            return;
        }
        if (event.peer().isPresent() && event.peer().get().type() == net.dtm.api.TunnelType.WIREGUARD) {
            if (wireGuardWarned.compareAndSet(false, true)) {
                LOG.warn("WireGuard core ends are not built by DTM (one interface with a peer per device): "
                        + "configure the gateway's WireGuard interface yourself; device={} first seen", lease.device());
            }
            return;
        }
        Optional<TunnelIntent> intent = intents.after(event, pool.get());
        if (intent.isEmpty()) {
            return;
        }
        if (owner.isPresent() && !owner.get().equals(lease.device().value()) && !ownerGone(end)) {
            LOG.error("core end {} of device={} not built: the name is taken by device {} (a name clash of two "
                    + "devices' prefixes); the device's tunnel has no core end here", end, lease.device(), owner.get());
            return;
        }
        served.put(end, new Served(lease.pool(), lease.device()));
        manager.setIntent(end, TunnelIntent.Role.GATEWAY, lease.device().value(), target, intent,
                "lease " + event.type().name().toLowerCase(java.util.Locale.ROOT) + " (device " + lease.device() + ")");
    }

    /** The device whose core end {@code end} is, as this node knows it (events since start, else the manager). */
    private Optional<String> owner(String end) {
        Served s = served.get(end);
        if (s != null) {
            return Optional.of(s.device().value());
        }
        return manager.ends().stream().filter(v -> v.end().equals(end)).map(EndView::device).findFirst();
    }

    /** True if {@code end}'s owner, as served since start, no longer holds an active lease (its release was missed). */
    private boolean ownerGone(String end) {
        Served s = served.get(end);
        if (s == null) {
            return false;
        }
        try {
            return leases.apply(s.pool(), s.device()).map(l -> !l.isActiveAt(clock.instant())).orElse(true);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** @return how many core ends were removed */
    public int sweep() {
        int removed = 0;
        Instant now = clock.instant();
        for (Map.Entry<String, Served> e : served.entrySet()) {
            Optional<Lease> lease;
            try {
                lease = leases.apply(e.getValue().pool(), e.getValue().device());
            } catch (RuntimeException ex) {
                LOG.debug("core end {} not checked: {}", e.getKey(), ex.getMessage());
                continue;
            }
            if (lease.isEmpty() || !lease.get().isActiveAt(now)) {
                if (served.remove(e.getKey(), e.getValue())) {
                    removed++;
                    manager.removeEnd(e.getKey(), "lease no longer active (device " + e.getValue().device() + ")");
                }
            }
        }
        if (now.isAfter(started.plus(orphanAfter))) {
            for (EndView v : manager.ends()) {
                if (v.role().equals("gateway") && v.end().startsWith(intents.prefix()) && !served.containsKey(v.end())
                        && v.intent().isPresent()) {
                    removed++;
                    manager.removeEnd(v.end(), "no device claimed it within " + orphanAfter.toSeconds() + " s of start");
                }
            }
        }
        return removed;
    }

    /** The core ends built from events since start (tests). */
    public Map<String, Served> served() {
        return Map.copyOf(served);
    }
}
